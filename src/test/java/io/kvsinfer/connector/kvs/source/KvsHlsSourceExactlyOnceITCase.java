package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.CommittedFramesSink;
import io.kvsinfer.connector.kvs.testing.EncoderFixtures;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job that fails, or is killed and started again from its last checkpoint, must emit every frame
 * of every live camera exactly once. The sink commits only on completed checkpoints, so what it
 * shows is what an exactly-once sink would have written; the pixels say which frames those are. Two
 * cameras send the synthetic closed-GOP video, one x265's open GOP and one x264's defaults cut
 * mid-GOP by duration, whose fragments need the ones before them to decode.
 */
class KvsHlsSourceExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final int FPS = 15;
    private static final List<String> CAMERAS =
            List.of("eo-1", "eo-2", "eo-open-gop", "eo-mid-gop");
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;

    @BeforeAll
    static void start() throws Exception {
        kvs = LOCAL_KVS.kvs();
        FragmentedMedia camera = SyntheticCamera.encode(320, 240, FPS);
        kvs.createStream("eo-1").startLive(camera);
        kvs.createStream("eo-2").startLive(camera);
        kvs.createStream("eo-open-gop").startLive(EncoderFixtures.load("h265-opengop"));
        kvs.createStream("eo-mid-gop").startLive(EncoderFixtures.load("h264-defaults"));
        Thread.sleep(2200);
    }

    private static StreamExecutionEnvironment environment(Configuration conf) {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(500);
        env.setParallelism(2);
        return env;
    }

    private static void buildJob(
            StreamExecutionEnvironment env, CommittedFramesSink sink, boolean failOnce) {
        KvsHlsSourceBuilder<VideoFrame> builder = sourceFor(kvs);
        CAMERAS.forEach(builder::addStream);
        KvsHlsSource<FrameKey> source =
                builder.setFrameMapper(new PixelIndexMapper(), FrameKey.class).build();
        var frames =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "cameras")
                        .uid("kvs-source");
        if (failOnce) {
            frames = frames.map(new FailOnceAfterCheckpoint(40)).uid("fail-once");
        }
        frames.sinkTo(sink).uid("sink");
    }

    @Test
    void aFailedTaskRestoresFromTheCheckpointAndEmitsEveryFrameOnce() throws Exception {
        FailOnceAfterCheckpoint.reset();
        CommittedFramesSink sink = new CommittedFramesSink();
        StreamExecutionEnvironment env = environment(new Configuration());
        buildJob(env, sink, true);
        JobClient job = env.executeAsync("fail and restore");
        try {
            awaitCommitted(sink, () -> FailOnceAfterCheckpoint.FAILED.get(), 4 * FPS);
        } finally {
            job.cancel().get();
        }
        assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
        assertExactlyOnce(sink.committed());
        sink.dispose();
    }

    @Test
    void aKilledJobStartedFromItsRetainedCheckpointEmitsEveryFrameOnce(@TempDir Path checkpoints)
            throws Exception {
        CommittedFramesSink sink = new CommittedFramesSink();
        Configuration first = new Configuration();
        first.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        first.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        StreamExecutionEnvironment env = environment(first);
        buildJob(env, sink, false);
        JobClient job = env.executeAsync("to be killed");
        awaitCommitted(sink, () -> true, 2 * FPS);
        job.cancel().get();
        awaitTerminal(job);
        int committedBeforeKill = sink.committed().size();
        Path latest = latestCheckpoint(checkpoints);

        Configuration second = new Configuration();
        second.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.toUri().toString());
        StreamExecutionEnvironment restored = environment(second);
        buildJob(restored, sink, false);
        JobClient resumed = restored.executeAsync("restored");
        try {
            awaitCommitted(sink, () -> true, committedBeforeKill / CAMERAS.size() + 3 * FPS);
        } finally {
            resumed.cancel().get();
        }
        assertExactlyOnce(sink.committed());
        sink.dispose();
    }

    private static void assertExactlyOnce(List<FrameKey> committed) {
        Map<String, List<FrameKey>> byCamera = byCamera(committed);
        assertThat(byCamera).containsOnlyKeys(CAMERAS);
        for (String name : CAMERAS) {
            List<FrameKey> frames = new ArrayList<>(byCamera.get(name));
            // Commit order across checkpoints follows emission order per camera; sort by time
            // anyway
            // so that a duplicate shows up as a repeated index rather than a reordering.
            frames.sort(Comparator.comparingLong(f -> f.timestampMillis));
            new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS).assertContiguous(frames);
        }
    }

    private static void awaitCommitted(
            CommittedFramesSink sink, java.util.function.BooleanSupplier condition, int perCamera)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            Map<String, List<FrameKey>> byCamera = byCamera(sink.committed());
            if (condition.getAsBoolean()
                    && CAMERAS.stream()
                            .allMatch(
                                    c -> byCamera.getOrDefault(c, List.of()).size() >= perCamera)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "not enough frames committed: " + byCamera(sink.committed()).keySet());
    }

    private static void awaitTerminal(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!job.getJobStatus().get().isGloballyTerminalState()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.CANCELED);
    }

    private static Path latestCheckpoint(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(
                            Comparator.comparingInt(
                                    p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint under " + root));
        }
    }

    /** Throws once, some frames after the first completed checkpoint, to make Flink restore. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<FrameKey, FrameKey>
            implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static final AtomicInteger SEEN_AFTER_CHECKPOINT = new AtomicInteger();
        private final int framesAfterCheckpoint;

        FailOnceAfterCheckpoint(int framesAfterCheckpoint) {
            this.framesAfterCheckpoint = framesAfterCheckpoint;
        }

        static void reset() {
            FAILED.set(false);
            CHECKPOINTED.set(false);
            SEEN_AFTER_CHECKPOINT.set(0);
        }

        @Override
        public FrameKey map(FrameKey frame) {
            if (CHECKPOINTED.get()
                    && SEEN_AFTER_CHECKPOINT.incrementAndGet() > framesAfterCheckpoint
                    && FAILED.compareAndSet(false, true)) {
                throw new RuntimeException(
                        "injected failure after " + framesAfterCheckpoint + " frames");
            }
            return frame;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }
}
