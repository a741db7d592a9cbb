package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.KvsSourcePreset;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.time.Duration;
import java.time.Instant;
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

    /**
     * An ON_DEMAND HLS session URL over {@code [start, end)} (producer timestamps, epoch ms) of
     * {@code stream}, made with the real SDK, as a consumer such as OpenCV or FFmpeg would open it.
     */
    public static String onDemandSessionUrl(
            LocalKvs kvs, String stream, String container, long start, long end) {
        try (KinesisVideoArchivedMediaClient media =
                KinesisVideoArchivedMediaClient.builder()
                        .endpointOverride(kvs.endpoint())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                        .region(Region.US_EAST_1)
                        .build()) {
            HLSTimestampRange range =
                    HLSTimestampRange.builder()
                            .startTimestamp(Instant.ofEpochMilli(start))
                            .endTimestamp(Instant.ofEpochMilli(end))
                            .build();
            return media.getHLSStreamingSessionURL(
                            b ->
                                    b.streamName(stream)
                                            .playbackMode("ON_DEMAND")
                                            .containerFormat(container)
                                            .hlsFragmentSelector(
                                                    s ->
                                                            s.fragmentSelectorType(
                                                                            "PRODUCER_TIMESTAMP")
                                                                    .timestampRange(range)))
                    .hlsStreamingSessionURL();
        }
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
