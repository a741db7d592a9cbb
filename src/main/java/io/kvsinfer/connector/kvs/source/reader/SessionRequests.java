package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsSessionRequest;
import io.kvsinfer.connector.kvs.hls.PlaybackMode;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;

import org.apache.flink.annotation.Internal;

import java.time.Instant;

/** Turns a {@link SessionPlan} into the GetHLSStreamingSessionURL call that serves it. */
@Internal
final class SessionRequests {

    private SessionRequests() {}

    static HlsSessionRequest forPlan(SessionPlan plan, KvsSourceConfig config) {
        int expires = (int) config.sessionDuration().getSeconds();
        if (plan.isLive()) {
            return new HlsSessionRequest(PlaybackMode.LIVE, config.fragmentSelector(), null, null,
                    config.containerFormat(), expires, config.livePlaylistFragments());
        }
        return new HlsSessionRequest(PlaybackMode.ON_DEMAND, config.fragmentSelector(),
                Instant.ofEpochMilli(plan.fromMillis()), Instant.ofEpochMilli(plan.toMillis()),
                config.containerFormat(), expires, CameraFetcher.ON_DEMAND_MAX_RESULTS);
    }
}
