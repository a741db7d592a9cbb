package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** Which timestamps select and label fragments. Values match the KVS API. */
@PublicEvolving
public enum FragmentSelectorType {
    /** The camera's own clock, as stamped by the producer. */
    PRODUCER_TIMESTAMP,
    /** The time KVS received the fragment. The KVS default. */
    SERVER_TIMESTAMP
}
