package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** How KVS packages HLS fragments. Values match the KVS API. */
@PublicEvolving
public enum ContainerFormat {
    /** Fragmented MP4 (CMAF): an init fragment plus moof+mdat fragments. The KVS default. */
    FRAGMENTED_MP4,
    /** MPEG transport stream fragments that decode on their own. */
    MPEG_TS
}
