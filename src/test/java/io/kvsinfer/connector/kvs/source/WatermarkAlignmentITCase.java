package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.testing.ArrivalOrderSink;
import io.kvsinfer.connector.kvs.testing.ArrivalOrderSink.Arrival;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            // Flink 2.3 pauses on the oldest of the last N sampled watermarks
                            // (default 3 update
                            // intervals), letting a camera run unchecked that long; 0 checks each
                            // frame at once.
                            // The source operator reads it from the TaskManager's configuration.
                            // Set by key
                            // (PipelineOptions.WATERMARK_ALIGNMENT_BUFFER_SIZE): Flink 1.20 has no
                            // such option
                            // and always checks the latest watermark, which is what 0 restores.
                            .setConfiguration(
                                    Configuration.fromMap(
                                            Map.of(
                                                    "pipeline.watermark-alignment.buffer-size",
                                                    "0")))
                            .build());

    private static final int FPS = 10;
    private static final int FRAGMENTS = 30;
    private static final Duration MAX_DRIFT = Duration.ofSeconds(4);
    private static final Duration UPDATE_INTERVAL = Duration.ofMillis(100);

    /**
     * Flink has no allowed watermark to pause against until its first announcement; skip that
     * start.
     */
    private static final Duration SETTLING = Duration.ofSeconds(1);

    /**
     * A camera pauses between batches (each ends once it spans 250 ms of event time), and when the
     * pause takes effect up to five of its batches are already decoded: the one being emitted, two
     * in the reader's element queue, one its fetcher holds while it waits for room in that queue,
     * and the one the fetcher decodes next, which the pause ends early.
     */
    private static final long OVERSHOOT_MILLIS = 5 * 250;

    private static final List<String> CAMERAS =
            List.of("bf-slow", "bf-1", "bf-2", "bf-3", "bf-4", "bf-5");
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static long archiveStart;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        FragmentedMedia small = SyntheticCamera.encode(160, 120, FPS);
        FragmentedMedia large = SyntheticCamera.encode(1280, 720, FPS);
        archiveStart = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        for (String name : CAMERAS) {
            kvs.createStream(name)
                    .appendArchived(
                            name.equals("bf-slow") ? large : small, archiveStart, FRAGMENTS);
        }
        kvs.createStream("bf-silent");
    }

    @Test
    void alignedBackfillStaysWithinTheDriftWhileAnIdleCameraDoesNotStallIt() throws Exception {
        List<Arrival> unaligned = read(WatermarkStrategy.noWatermarks());
        List<Arrival> aligned =
                read(
                        CameraWatermarks.<FrameKey>forCameras(Duration.ZERO)
                                .withWatermarkAlignment("backfill", MAX_DRIFT, UPDATE_INTERVAL));
        long unalignedSpread = maxSpreadMillis(unaligned, Duration.ZERO);
        long startupSpread = maxSpreadMillis(aligned, Duration.ZERO);
        long settledSpread = maxSpreadMillis(aligned, SETTLING);
        System.out.printf(
                "Backfill of %d cameras (max drift %d ms): largest event-time spread without"
                        + " alignment %d ms; with alignment %d ms after the first %d ms, %d ms"
                        + " including them%n",
                CAMERAS.size(),
                MAX_DRIFT.toMillis(),
                unalignedSpread,
                settledSpread,
                SETTLING.toMillis(),
                startupSpread);

        List<FrameKey> frames =
                aligned.stream().map(arrival -> arrival.frame).collect(Collectors.toList());
        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        for (String name : CAMERAS) {
            List<Long> indices =
                    new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS)
                            .assertContiguous(byCamera.get(name));
            assertThat(indices).hasSize(FRAGMENTS * 2 * FPS);
        }
        assertThat(unalignedSpread)
                .as("without alignment the fast cameras race ahead")
                .isGreaterThan(4 * MAX_DRIFT.toMillis());
        assertThat(settledSpread).isLessThanOrEqualTo(MAX_DRIFT.toMillis() + OVERSHOOT_MILLIS);
    }

    /** Reads the whole backfill (and the silent camera) through one reader, in arrival order. */
    private static List<Arrival> read(WatermarkStrategy<FrameKey> watermarks) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One reader, so that the order frames reach the sink is the order they left the source.
        env.setParallelism(1);
        KvsHlsSourceBuilder<VideoFrame> builder =
                sourceFor(kvs)
                        .addStream("bf-silent")
                        .setStartingPosition(StartingPosition.earliest())
                        .setOption(KvsSourceOptions.IDLE_POLL_INTERVAL, Duration.ofMillis(500));
        CAMERAS.forEach(builder::addStream);
        KvsHlsSource<FrameKey> source =
                builder.setFrameMapper(new PixelIndexMapper(), FrameKey.class).build();
        int expected = CAMERAS.size() * FRAGMENTS * 2 * FPS;
        // Not the collect sink: it blocks until its client polls, and a blocked task sends no
        // watermark reports.
        ArrivalOrderSink sink = new ArrivalOrderSink();
        env.fromSource(source, watermarks, "backfill").sinkTo(sink);
        JobClient job = env.executeAsync("backfill");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (sink.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<Arrival> arrivals = sink.received();
            assertThat(arrivals).as("frames of the backfill").hasSize(expected);
            return arrivals;
        } finally {
            job.cancel().get();
            sink.dispose();
        }
    }

    /**
     * The largest gap between the most and the least advanced camera still backfilling, over the
     * frames that arrived {@code after} the first frame.
     */
    private static long maxSpreadMillis(List<Arrival> arrivals, Duration after) {
        long lastFrame = archiveStart + FRAGMENTS * 2000L - 1000L / FPS;
        long from = arrivals.get(0).nanos + after.toNanos();
        Map<String, Long> latest = new HashMap<>();
        long max = 0;
        for (Arrival arrival : arrivals) {
            latest.put(arrival.frame.cameraId, arrival.frame.timestampMillis);
            if (latest.size() < CAMERAS.size() || arrival.nanos < from) {
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
