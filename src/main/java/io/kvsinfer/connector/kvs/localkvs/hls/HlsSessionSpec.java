package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.FragmentSelectorType;

import org.apache.flink.annotation.Internal;

/**
 * A validated GetHLSStreamingSessionURL request with every default applied.
 *
 * @param startMillis inclusive lower bound on fragment start, or null (LIVE)
 * @param endMillis inclusive upper bound on fragment start, or null (LIVE, open LIVE_REPLAY)
 */
@Internal
public record HlsSessionSpec(
        PlaybackMode mode,
        FragmentSelectorType selector,
        Long startMillis,
        Long endMillis,
        ContainerFormat container,
        DiscontinuityMode discontinuityMode,
        boolean displayTimestamp,
        int expiresSeconds,
        int maxFragmentResults) {}
