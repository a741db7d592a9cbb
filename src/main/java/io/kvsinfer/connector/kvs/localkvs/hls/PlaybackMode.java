package io.kvsinfer.connector.kvs.localkvs.hls;

import org.apache.flink.annotation.Internal;

/** KVS's HLS PlaybackMode values. */
@Internal
public enum PlaybackMode {
    LIVE,
    LIVE_REPLAY,
    ON_DEMAND
}
