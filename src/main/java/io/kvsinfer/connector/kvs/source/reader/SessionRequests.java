package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsSessionRequest;
import io.kvsinfer.connector.kvs.hls.PlaybackMode;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;

import java.time.Instant;

/** Turns a {@link SessionPlan} into the GetHLSStreamingSessionURL call that serves it. */
@Internal
final class SessionRequests {

    private SessionRequests() {}

    static HlsSessionRequest forPlan(SessionPlan plan, KvsSourceConfig config) {
        int expires = (int) config.sessionDuration().getSeconds();
        // The public options name the API's own values, so the names map one to one.
        HLSFragmentSelectorType selector =
                HLSFragmentSelectorType.fromValue(config.fragmentSelector().name());
        ContainerFormat container = ContainerFormat.fromValue(config.containerFormat().name());
        if (plan.isLive()) {
            return new HlsSessionRequest(
                    PlaybackMode.LIVE,
                    selector,
                    null,
                    null,
                    container,
                    expires,
                    config.livePlaylistFragments());
        }
        return new HlsSessionRequest(
                PlaybackMode.ON_DEMAND,
                selector,
                Instant.ofEpochMilli(plan.fromMillis()),
                Instant.ofEpochMilli(plan.toMillis()),
                container,
                expires,
                CameraFetcher.ON_DEMAND_MAX_RESULTS);
    }
}
