package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.KvsSourcePreset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers for tests that read LocalKvs cameras with the source. */
public final class LocalKvsCameras {

    private LocalKvsCameras() {}

    /** A builder pointed at LocalKvs with quick reconnects, for tests. */
    public static KvsHlsSourceBuilder<VideoFrame> sourceFor(LocalKvs kvs) {
        return KvsHlsSource.builder()
                .setEndpoint(kvs.endpoint())
                .setStaticCredentials("AKIDEXAMPLE", "test-secret")
                .applyPreset(KvsSourcePreset.TESTING)
                .setReconnectDelay(Duration.ofMillis(200))
                .setMaxReconnectDelay(Duration.ofSeconds(1));
    }

    /** Frames grouped by camera, in arrival order. */
    public static Map<String, List<FrameKey>> byCamera(List<FrameKey> frames) {
        Map<String, List<FrameKey>> byCamera = new LinkedHashMap<>();
        for (FrameKey frame : frames) {
            byCamera.computeIfAbsent(frame.cameraId, k -> new ArrayList<>()).add(frame);
        }
        return byCamera;
    }
}
