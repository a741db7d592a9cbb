package io.kvsinfer.connector.kvs.localkvs.hls;

import org.apache.flink.annotation.Internal;

/** KVS's HLS DiscontinuityMode values. */
@Internal
public enum DiscontinuityMode {
    ALWAYS,
    NEVER,
    ON_DISCONTINUITY
}
