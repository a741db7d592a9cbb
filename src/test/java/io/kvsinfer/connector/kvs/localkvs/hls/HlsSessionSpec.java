package io.kvsinfer.connector.kvs.localkvs.hls;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDiscontinuityMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

/**
 * A validated GetHLSStreamingSessionURL request with every default applied.
 *
 * @param startMillis inclusive lower bound on fragment start, or null (LIVE)
 * @param endMillis inclusive upper bound on fragment start, or null (LIVE, open LIVE_REPLAY)
 */
@Internal
public record HlsSessionSpec(
        HLSPlaybackMode mode,
        HLSFragmentSelectorType selector,
        Long startMillis,
        Long endMillis,
        ContainerFormat container,
        HLSDiscontinuityMode discontinuityMode,
        boolean displayTimestamp,
        int expiresSeconds,
        int maxFragmentResults) {}
