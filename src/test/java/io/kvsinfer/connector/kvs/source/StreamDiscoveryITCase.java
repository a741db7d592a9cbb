package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.ArrivalOrderSink;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/** Cameras that come and go while a job runs, found by stream-name prefix and tags in LocalKvs. */
class StreamDiscoveryITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int FPS = 10;
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static FragmentedMedia camera;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        camera = SyntheticCamera.encode(160, 120, FPS);
    }

    /**
     * Reads until {@code done} holds for the frames so far; runs each step once its trigger holds.
     */
    private static List<FrameKey> run(
            KvsHlsSource<FrameKey> source, List<Step> steps, Predicate<List<FrameKey>> done)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<FrameKey> frames = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 90_000;
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "discovered")
                        .executeAndCollect("discovery")) {
            while (!done.test(frames)) {
                assertThat(System.currentTimeMillis())
                        .as("frames so far: %s", byCamera(frames).keySet())
                        .isLessThan(deadline);
                frames.add(results.next());
                for (Step step : steps) {
                    if (!step.ran && step.trigger.test(frames)) {
                        step.ran = true;
                        step.action.run();
                    }
                }
            }
        }
        return frames;
    }

    private static int count(List<FrameKey> frames, String cameraId) {
        return byCamera(frames).getOrDefault(cameraId, List.of()).size();
    }

    @Test
    void newStreamsAreReadFromTheirFirstFrameAndDeletedOnesFinish() throws Exception {
        kvs.createStream("disc-a").startLive(camera);
        kvs.createStream("unrelated-1").startLive(camera);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .discoverStreams("disc-")
                        .setDiscoveryInterval(Duration.ofSeconds(1))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        long[] deletedAt = new long[1];
        List<FrameKey> frames =
                run(
                        source,
                        List.of(
                                new Step(
                                        f -> count(f, "disc-a") >= FPS,
                                        () -> kvs.createStream("disc-b").startLive(camera)),
                                new Step(
                                        f -> count(f, "disc-b") >= FPS,
                                        () -> {
                                            kvs.deleteStream("disc-a");
                                            deletedAt[0] = System.currentTimeMillis();
                                        })),
                        f -> deletedAt[0] > 0 && count(f, "disc-b") >= 5 * FPS);

        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        assertThat(byCamera).containsOnlyKeys("disc-a", "disc-b");
        // The camera created while the job ran is read from its very first frame.
        List<Long> b =
                new FrameSequenceVerifier(kvs.stream("disc-b").fragments(), FPS)
                        .assertContiguous(byCamera.get("disc-b"));
        assertThat(b.get(0)).isZero();
        // The deleted camera stopped, and the job went on with the other one.
        List<FrameKey> a = byCamera.get("disc-a");
        assertThat(a.get(a.size() - 1).timestampMillis).isLessThan(deletedAt[0]);
        int lastOfA = frames.lastIndexOf(a.get(a.size() - 1));
        assertThat(
                        frames.subList(lastOfA, frames.size()).stream()
                                .filter(f -> f.cameraId.equals("disc-b"))
                                .count())
                .isGreaterThan(2 * FPS);
    }

    @Test
    void tagsSelectStreamsAndNameCamerasAndThrottledDiscoveryRecovers() throws Exception {
        kvs.createStream("tagged-1", Map.of("site", "lobby", "camera", "front-door"))
                .startLive(camera);
        kvs.createStream("tagged-2", Map.of("site", "dock")).startLive(camera);
        kvs.faults().failNext(KvsOperation.LIST_STREAMS, 2, 400, "ClientLimitExceededException");
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .discoverStreams("tagged-")
                        .setRequiredTags(Map.of("site", "lobby"))
                        .setCameraIdTag("camera")
                        .setDiscoveryInterval(Duration.ofSeconds(1))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        List<FrameKey> frames = run(source, List.of(), f -> count(f, "front-door") >= 2 * FPS);
        assertThat(byCamera(frames)).containsOnlyKeys("front-door");
        assertThat(kvs.requestCount(KvsOperation.LIST_STREAMS)).isGreaterThanOrEqualTo(3);
        new FrameSequenceVerifier(kvs.stream("tagged-1").fragments(), FPS)
                .assertContiguous(byCamera(frames).get("front-door"));
    }

    @Test
    void aRestoreAfterDiscoveryKeepsTheCameraSetAndFindsStreamsCreatedWhileStopped(
            @TempDir Path savepoints) throws Exception {
        kvs.createStream("rs-a").startLive(camera);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .discoverStreams("rs-")
                        .setDiscoveryInterval(Duration.ofSeconds(1))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();

        ArrivalOrderSink before = new ArrivalOrderSink();
        JobClient first = startJob(source, before, new Configuration());
        awaitFrames(before, "rs-a", FPS);
        kvs.createStream("rs-b").startLive(camera);
        awaitFrames(before, "rs-b", FPS);
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        // Created while no job runs: found by the restored job's first discovery, from its first
        // frame.
        kvs.createStream("rs-c").startLive(camera);
        Thread.sleep(2_500);

        ArrivalOrderSink after = new ArrivalOrderSink();
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = startJob(source, after, restore);
        try {
            awaitFrames(after, "rs-c", FPS);
            awaitFrames(after, "rs-a", 4 * FPS);
            awaitFrames(after, "rs-b", 4 * FPS);
        } finally {
            second.cancel().get();
        }
        Map<String, List<FrameKey>> beforeByCamera = byCamera(frames(before));
        Map<String, List<FrameKey>> afterByCamera = byCamera(frames(after));
        assertThat(beforeByCamera).containsOnlyKeys("rs-a", "rs-b");
        assertThat(afterByCamera).containsOnlyKeys("rs-a", "rs-b", "rs-c");
        for (String camera : List.of("rs-a", "rs-b")) {
            // Across the restore each camera goes on from its next frame: none lost, none repeated.
            List<FrameKey> all = new ArrayList<>(beforeByCamera.get(camera));
            all.addAll(afterByCamera.get(camera));
            new FrameSequenceVerifier(kvs.stream(camera).fragments(), FPS).assertContiguous(all);
        }
        List<Long> c =
                new FrameSequenceVerifier(kvs.stream("rs-c").fragments(), FPS)
                        .assertContiguous(afterByCamera.get("rs-c"));
        assertThat(c.get(0)).isZero();
        before.dispose();
        after.dispose();
    }

    @Test
    void aStreamDeletedAndCreatedAgainWithinOneDiscoveryIntervalIsReadAgain() throws Exception {
        kvs.createStream("again-a").startLive(camera);
        // Keeps frames coming, so that the test fails at its deadline rather than waits forever.
        kvs.createStream("again-keep").startLive(camera);
        // Rounds 10 s apart: the stream is deleted and back well within one of them.
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .discoverStreams("again-")
                        .setDiscoveryInterval(Duration.ofSeconds(10))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        long[] createdAgainAt = new long[1];
        Runnable deleteAndCreateAgain =
                () -> {
                    long sessions = kvs.requestCount(KvsOperation.GET_HLS_STREAMING_SESSION_URL);
                    kvs.deleteStream("again-a");
                    // The camera ends once a new session is refused with ResourceNotFound.
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (kvs.requestCount(KvsOperation.GET_HLS_STREAMING_SESSION_URL)
                            == sessions) {
                        assertThat(System.currentTimeMillis()).isLessThan(deadline);
                        sleep(50);
                    }
                    sleep(1_000);
                    createdAgainAt[0] = System.currentTimeMillis();
                    kvs.createStream("again-a").startLive(camera);
                };
        List<FrameKey> frames =
                run(
                        source,
                        List.of(new Step(f -> count(f, "again-a") >= FPS, deleteAndCreateAgain)),
                        f -> afterCreatedAgain(f, createdAgainAt[0]).size() >= 2 * FPS);

        // The stream created again is read from its very first frame.
        List<Long> indexes =
                new FrameSequenceVerifier(kvs.stream("again-a").fragments(), FPS)
                        .assertContiguous(afterCreatedAgain(frames, createdAgainAt[0]));
        assertThat(indexes.get(0)).isZero();
    }

    private static List<FrameKey> afterCreatedAgain(List<FrameKey> frames, long createdAt) {
        return frames.stream()
                .filter(
                        f ->
                                f.cameraId.equals("again-a")
                                        && createdAt > 0
                                        && f.timestampMillis >= createdAt)
                .collect(Collectors.toList());
    }

    @Test
    void aRestoreWithANarrowerSelectorFinishesTheCamerasItNoLongerMatches(@TempDir Path savepoints)
            throws Exception {
        kvs.createStream("nw-keep").startLive(camera);
        kvs.createStream("nw-drop").startLive(camera);
        ArrivalOrderSink before = new ArrivalOrderSink();
        JobClient first =
                startJob(
                        sourceFor(kvs)
                                .discoverStreams("nw-")
                                .setDiscoveryInterval(Duration.ofSeconds(1))
                                .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                                .build(),
                        before,
                        new Configuration());
        awaitFrames(before, "nw-keep", FPS);
        awaitFrames(before, "nw-drop", FPS);
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);

        // The restored job's first discovery round may run before its readers register, when no
        // reader can be told to finish nw-drop.
        ArrivalOrderSink after = new ArrivalOrderSink();
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second =
                startJob(
                        sourceFor(kvs)
                                .discoverStreams("nw-keep")
                                .setDiscoveryInterval(Duration.ofSeconds(1))
                                .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                                .build(),
                        after,
                        restore);
        int dropped;
        try {
            awaitFrames(after, "nw-keep", 3 * FPS);
            dropped = count(frames(after), "nw-drop");
            awaitFrames(after, "nw-keep", 6 * FPS);
            assertThat(count(frames(after), "nw-drop")).as("frames of nw-drop").isEqualTo(dropped);
        } finally {
            second.cancel().get();
        }
        List<FrameKey> kept = new ArrayList<>(byCamera(frames(before)).get("nw-keep"));
        kept.addAll(byCamera(frames(after)).get("nw-keep"));
        new FrameSequenceVerifier(kvs.stream("nw-keep").fragments(), FPS).assertContiguous(kept);
        before.dispose();
        after.dispose();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JobClient startJob(
            KvsHlsSource<FrameKey> source, ArrivalOrderSink sink, Configuration conf)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "discovered")
                .uid("kvs-source")
                .sinkTo(sink);
        return env.executeAsync("discovery-restore");
    }

    private static List<FrameKey> frames(ArrivalOrderSink sink) {
        return sink.received().stream().map(arrival -> arrival.frame).collect(Collectors.toList());
    }

    private static void awaitFrames(ArrivalOrderSink sink, String cameraId, int count)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (count(frames(sink), cameraId) < count) {
            assertThat(System.currentTimeMillis())
                    .as("%s frames of %s", count, cameraId)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static final class Step {
        final Predicate<List<FrameKey>> trigger;
        final Runnable action;
        boolean ran;

        Step(Predicate<List<FrameKey>> trigger, Runnable action) {
            this.trigger = trigger;
            this.action = action;
        }
    }
}
