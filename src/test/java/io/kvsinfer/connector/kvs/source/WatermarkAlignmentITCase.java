package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backfill of six cameras, one of them far slower to decode, plus one camera without a producer:
 * with watermark alignment the cameras' event times stay within the allowed drift (measured), and
 * the idle camera does not stall them.
 */
class WatermarkAlignmentITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int FPS = 10;
    private static final int FRAGMENTS = 30;
    private static final Duration MAX_DRIFT = Duration.ofSeconds(4);
    private static final List<String> CAMERAS = List.of("bf-slow", "bf-1", "bf-2", "bf-3", "bf-4", "bf-5");
    private static LocalKvs kvs;
    private static long archiveStart;

    @BeforeAll
    static void start() {
        kvs = LocalKvs.builder().build().start();
        FragmentedMedia small = SyntheticCamera.encode(160, 120, FPS);
        FragmentedMedia large = SyntheticCamera.encode(1280, 720, FPS);
        archiveStart = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        for (String name : CAMERAS) {
            kvs.createStream(name).appendArchived(name.equals("bf-slow") ? large : small, archiveStart, FRAGMENTS);
        }
        kvs.createStream("bf-silent");
    }

    @AfterAll
    static void stop() {
        kvs.close();
    }

    @Test
    void alignedBackfillStaysWithinTheDriftWhileAnIdleCameraDoesNotStallIt() throws Exception {
        long unaligned = maxSpreadMillis(read(WatermarkStrategy.noWatermarks()));
        // Flink makes an output active again whenever its generator emits a watermark, and periodic
        // generators emit one every interval: withIdleness keeps the silent camera's output idle.
        List<FrameKey> frames = read(WatermarkStrategy.<FrameKey>forMonotonousTimestamps()
                .withIdleness(Duration.ofSeconds(3))
                .withWatermarkAlignment("backfill", MAX_DRIFT, Duration.ofMillis(100)));
        long aligned = maxSpreadMillis(frames);
        System.out.printf("Backfill of %d cameras: largest event-time spread %d ms without alignment, %d ms with"
                + " alignment (max drift %d ms)%n", CAMERAS.size(), unaligned, aligned, MAX_DRIFT.toMillis());

        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        for (String name : CAMERAS) {
            List<Long> indices = new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS).assertContiguous(byCamera.get(name));
            assertThat(indices).hasSize(FRAGMENTS * 2 * FPS);
        }
        // Pausing acts between fetches, so a camera can overshoot by what it had already fetched and queued.
        assertThat(aligned).isLessThanOrEqualTo(MAX_DRIFT.toMillis() + 6_000);
    }

    private static List<FrameKey> read(WatermarkStrategy<FrameKey> watermarks) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One reader, so that the order frames reach the test is the order they left the source.
        env.setParallelism(1);
        KvsHlsSourceBuilder<VideoFrame> builder = sourceFor(kvs).addStream("bf-silent")
                .setStartingPosition(StartingPosition.earliest())
                .setOption(io.kvsinfer.connector.kvs.source.config.KvsSourceOptions.IDLE_POLL_INTERVAL, Duration.ofMillis(500));
        CAMERAS.forEach(builder::addStream);
        KvsHlsSource<FrameKey> source = builder.setFrameMapper(new PixelIndexMapper(), FrameKey.class).build();
        int expected = CAMERAS.size() * FRAGMENTS * 2 * FPS;
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, watermarks, "backfill").executeAndCollect("backfill")) {
            while (frames.size() < expected) {
                frames.add(results.next());
            }
        }
        return frames;
    }

    /** The largest gap, in arrival order, between the most and the least advanced camera still backfilling. */
    private static long maxSpreadMillis(List<FrameKey> frames) {
        long lastFrame = archiveStart + FRAGMENTS * 2000L - 1000L / FPS;
        Map<String, Long> latest = new HashMap<>();
        long max = 0;
        for (FrameKey frame : frames) {
            latest.put(frame.cameraId, frame.timestampMillis);
            if (latest.size() < CAMERAS.size()) {
                continue;
            }
            long newest = Long.MIN_VALUE;
            long oldest = Long.MAX_VALUE;
            for (long ts : latest.values()) {
                if (ts < lastFrame) {
                    oldest = Math.min(oldest, ts);
                }
                newest = Math.max(newest, ts);
            }
            if (oldest != Long.MAX_VALUE) {
                max = Math.max(max, Math.min(newest, lastFrame) - oldest);
            }
        }
        return max;
    }

}
