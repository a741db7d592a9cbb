package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

/** HLS playback modes of GetHLSStreamingSessionURL. */
@Internal
public enum PlaybackMode {
    /** The newest fragments, as they arrive. */
    LIVE,
    /** From a start time, fragments added at the pace they were recorded. */
    LIVE_REPLAY,
    /** A closed range of archived fragments, listed at once. */
    ON_DEMAND
}
