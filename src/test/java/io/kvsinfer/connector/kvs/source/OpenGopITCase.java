package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.testing.EncoderFixtures;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding.Decoded;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.onDemandSessionUrl;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Video from encoders nobody here configured (issue #18), through LocalKvs and the public API:
 * open-GOP H.265 at x265's defaults, open-GOP H.264, and x264's defaults cut by duration so that
 * fragments start mid-GOP without a key frame. Every frame comes out once, in order and evenly
 * spaced (its pixels say which it is), and its BGR24 pixels equal what FFmpeg's own HLS reader
 * decodes from a session over the same fragments.
 */
class OpenGopITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    static final int FPS = 15;
    static final int MEDIA_FRAMES = 150;
    private static LocalKvs kvs;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
    }

    /** A frame's place and the checksum of its BGR24 pixels. */
    public static final class PixelCrc extends FrameKey {
        public long crc;

        public PixelCrc() {}

        PixelCrc(CameraFrame frame) {
            super(
                    frame.cameraId(),
                    frame.timestampMillis(),
                    FrameIndexCode.read(
                                    frame.pixels(),
                                    frame.pixelFormat().bytesPerPixel(),
                                    frame.width(),
                                    frame.height(),
                                    frame.stride())
                            .orElse(-1),
                    frame.width(),
                    frame.height());
            this.crc =
                    ReferenceDecoding.pixelCrc(
                            frame.pixels(), frame.width() * 3, frame.height(), frame.stride());
        }
    }

    static FragmentedMedia load(String fixture) throws Exception {
        return EncoderFixtures.load(fixture);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "h265-opengop, FRAGMENTED_MP4",
        "h265-opengop, MPEG_TS",
        "h264-opengop, FRAGMENTED_MP4",
        "h264-opengop, MPEG_TS",
        "h264-defaults, FRAGMENTED_MP4",
        "h264-defaults, MPEG_TS"
    })
    void aBoundedReplayGivesEveryFrameOnceAsFfmpegDecodesTheSession(
            String fixture, ContainerFormat container) throws Exception {
        FragmentedMedia media = load(fixture);
        String stream = "replay-" + fixture + "-" + container.name().toLowerCase();
        long archiveStart = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        // Twice through the clip: the loop back to its first key frame is a boundary too.
        List<FragmentRecord> written =
                kvs.createStream(stream)
                        .appendArchived(media, archiveStart, 2 * media.fragmentCount());
        long stop = written.get(written.size() - 1).producerEndMillis() - 1;

        List<PixelCrc> frames = new ArrayList<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<PixelCrc> source =
                sourceFor(kvs)
                        .addStream(stream)
                        .setContainerFormat(container)
                        .setStartingPosition(StartingPosition.earliest())
                        .setStoppingTimestamp(Instant.ofEpochMilli(stop))
                        .setFrameMapper(PixelCrc::new, PixelCrc.class)
                        .build();
        try (CloseableIterator<PixelCrc> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "open-gop")
                        .executeAndCollect(stream)) {
            results.forEachRemaining(frames::add);
        }

        List<Long> indices =
                new FrameSequenceVerifier(written, FPS).assertContiguous(List.copyOf(frames));
        assertThat(indices).hasSize(2 * MEDIA_FRAMES);
        assertThat(indices.get(0)).isZero();
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).timestampMillis)
                    .as("frame %s is evenly spaced", i)
                    .isBetween(
                            archiveStart + Math.round(i * 1000.0 / FPS) - 1,
                            archiveStart + Math.round(i * 1000.0 / FPS) + 1);
        }

        List<Decoded> reference =
                ReferenceDecoding.decodeUrl(
                        onDemandSessionUrl(kvs, stream, container.name(), archiveStart, stop),
                        "hls",
                        Map.of());
        assertThat(ReferenceDecoding.indices(reference))
                .as("FFmpeg's own read of the session")
                .isEqualTo(frames.stream().map(f -> f.pixelIndex).toList());
        assertThat(frames.stream().map(f -> f.crc).toList())
                .as("BGR24 pixels equal FFmpeg's, frame by frame")
                .isEqualTo(reference.stream().map(Decoded::pixelCrc).toList());
    }

    @ParameterizedTest
    @EnumSource(ContainerFormat.class)
    void liveCamerasGiveEveryFrameOnceAcrossTheirFragments(ContainerFormat container)
            throws Exception {
        List<String> streams = new ArrayList<>();
        KvsHlsSourceBuilder<VideoFrame> builder = sourceFor(kvs).setContainerFormat(container);
        for (String fixture : List.of("h265-opengop", "h264-opengop", "h264-defaults")) {
            String stream = "live-" + fixture + "-" + container.name().toLowerCase();
            kvs.createStream(stream).startLive(load(fixture));
            streams.add(stream);
            builder.addStream(stream);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<PixelCrc> source =
                builder.setFrameMapper(PixelCrc::new, PixelCrc.class).build();
        Map<String, List<FrameKey>> byCamera = new java.util.HashMap<>();
        try (CloseableIterator<PixelCrc> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "live")
                        .executeAndCollect("live " + container)) {
            // Each camera past at least three fragment boundaries after its first frame.
            while (results.hasNext()
                    && (byCamera.size() < streams.size()
                            || byCamera.values().stream().anyMatch(f -> f.size() < 3 * 2 * FPS))) {
                PixelCrc frame = results.next();
                byCamera.computeIfAbsent(frame.cameraId, c -> new ArrayList<>()).add(frame);
            }
        }
        for (String stream : streams) {
            new FrameSequenceVerifier(kvs.stream(stream).fragments(), FPS)
                    .assertContiguous(byCamera.get(stream));
        }
    }
}
