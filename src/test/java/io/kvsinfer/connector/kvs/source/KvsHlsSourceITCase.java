package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads LocalKvs cameras through the whole source on a MiniCluster and checks every frame's pixels.
 */
class KvsHlsSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final int FPS = 15;
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static FragmentedMedia camera;

    @BeforeAll
    static void startLocalKvs() {
        kvs = LOCAL_KVS.kvs();
        camera = SyntheticCamera.encode(320, 240, FPS);
    }

    @Test
    void readsLiveCamerasFromTheNewestFragmentWithEveryFrameOnceInOrder() throws Exception {
        List<String> cameras = List.of("live-1", "live-2", "live-3");
        for (String name : cameras) {
            kvs.createStream(name).startLive(camera);
        }
        awaitFragments(cameras, 2);
        long newestAtStart = Long.MIN_VALUE;
        for (String name : cameras) {
            List<FragmentRecord> fragments = kvs.stream(name).fragments();
            newestAtStart =
                    Math.max(newestAtStart, fragments.get(fragments.size() - 1).producerMillis());
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KvsHlsSourceBuilder<VideoFrame> builder = sourceFor(kvs);
        cameras.forEach(builder::addStream);
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "live cameras")
                        .map(PixelIndexMapper::of)
                        .executeAndCollect("live cameras")) {
            while (!everyCameraHas(frames, cameras, 3 * FPS) && results.hasNext()) {
                frames.add(results.next());
            }
        }

        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        for (String name : cameras) {
            List<FrameKey> received = byCamera.get(name);
            List<Long> indices =
                    new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS)
                            .assertContiguous(received);
            FragmentRecord first = fragmentOf(name, received.get(0).timestampMillis);
            assertThat(received.get(0).timestampMillis)
                    .as("%s starts at a fragment start", name)
                    .isEqualTo(first.producerMillis());
            assertThat(first.producerMillis())
                    .as("%s starts at the live edge", name)
                    .isGreaterThanOrEqualTo(newestAtStart - 2000);
            assertThat(indices).hasSizeGreaterThanOrEqualTo(3 * FPS);
            assertThat(received).allSatisfy(f -> assertThat(f.width).isEqualTo(320));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"FRAGMENTED_MP4, H264", "MPEG_TS, H264", "FRAGMENTED_MP4, H265", "MPEG_TS, H265"})
    void boundedReplayFromAnOffGridStartIsExactToTheMillisecond(
            ContainerFormat container, String codec) throws Exception {
        // Both: 320x240 at 15 fps in 2 s fragments; H.265 from the x265 fixture, with B-frames.
        FragmentedMedia media =
                codec.equals("H265")
                        ? FileMedia.load(
                                Path.of("src/test/resources/fixtures/h265-320x240-15fps.mp4"))
                        : camera;
        long archiveStart = (System.currentTimeMillis() - 300_000) / 1000 * 1000;
        String prefix =
                "archive-"
                        + container.name().toLowerCase(java.util.Locale.ROOT)
                        + "-"
                        + codec
                        + "-";
        for (String name : List.of(prefix + 1, prefix + 2)) {
            kvs.createStream(name).appendArchived(media, archiveStart, 8);
        }
        long start = archiveStart + 3_033;
        long stop = archiveStart + 11_000;
        List<FrameKey> frames =
                readBounded(
                        sourceFor(kvs)
                                .addStream(prefix + 1)
                                .addStream(prefix + 2)
                                .setContainerFormat(container)
                                .setStartingPosition(StartingPosition.fromTimestamp(start))
                                .setStoppingTimestamp(Instant.ofEpochMilli(stop)));

        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        assertThat(byCamera).containsOnlyKeys(prefix + 1, prefix + 2);
        for (List<FrameKey> received : byCamera.values()) {
            List<Long> indices =
                    new FrameSequenceVerifier(kvs.stream(received.get(0).cameraId).fragments(), FPS)
                            .assertContiguous(received);
            // 15 fps from 3.033 s: the first frame at or after it is frame 46 (3.0667 s); the last
            // at or before 11 s is frame 165.
            assertThat(indices.get(0)).isEqualTo(46);
            assertThat(indices.get(indices.size() - 1)).isEqualTo(165);
        }
    }

    /**
     * The default record with object reuse: each frame's pixel array goes back to the source once
     * the chained map returns and carries later frames; every frame must still show its own pixels.
     */
    @Test
    void videoFramesWithRecycledPixelArraysCarryTheirOwnPixels() throws Exception {
        long archiveStart = (System.currentTimeMillis() - 400_000) / 1000 * 1000;
        kvs.createStream("recycled").appendArchived(camera, archiveStart, 6);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().enableObjectReuse();
        env.setParallelism(1);
        KvsHlsSource<VideoFrame> source =
                sourceFor(kvs)
                        .addStream("recycled")
                        .setStartingPosition(StartingPosition.earliest())
                        .setStoppingTimestamp(Instant.ofEpochMilli(archiveStart + 12_000 - 1))
                        .build();
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "reuse")
                        .map(PixelIndexMapper::of)
                        .returns(FrameKey.class)
                        .executeAndCollect("object reuse")) {
            results.forEachRemaining(frames::add);
        }
        assertThat(frames).hasSize(12 * FPS);
        List<Long> indices =
                new FrameSequenceVerifier(kvs.stream("recycled").fragments(), FPS)
                        .assertContiguous(frames);
        assertThat(indices.get(0)).isZero();
    }

    /**
     * Grey and RGB frames through the default record: right size, format name and picture, each
     * once.
     */
    @ParameterizedTest
    @EnumSource(
            value = PixelFormat.class,
            names = {"GRAY8", "RGB24"})
    void videoFramesInAnotherPixelFormat(PixelFormat format) throws Exception {
        long archiveStart = (System.currentTimeMillis() - 500_000) / 1000 * 1000;
        String stream = "format-" + format;
        kvs.createStream(stream).appendArchived(camera, archiveStart, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<VideoFrame> source =
                sourceFor(kvs)
                        .addStream(stream)
                        .setStartingPosition(StartingPosition.earliest())
                        .setOutputPixelFormat(format)
                        .setStoppingTimestamp(Instant.ofEpochMilli(archiveStart + 4_000 - 1))
                        .build();
        List<VideoFrame> frames = new ArrayList<>();
        try (CloseableIterator<VideoFrame> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "format")
                        .executeAndCollect(format.name())) {
            results.forEachRemaining(frames::add);
        }
        assertThat(frames)
                .hasSize(4 * FPS)
                .allSatisfy(
                        f -> {
                            assertThat(f.getPixelFormat()).isEqualTo(format.name());
                            assertThat(f.getData())
                                    .hasSize(format.bytesPerPixel() * f.getWidth() * f.getHeight());
                        });
        List<FrameKey> keys = frames.stream().map(PixelIndexMapper::of).toList();
        List<Long> indices =
                new FrameSequenceVerifier(kvs.stream(stream).fragments(), FPS)
                        .assertContiguous(keys);
        assertThat(indices.get(0)).isZero();
    }

    @Test
    void readsH265FromTheEarliestFragment() throws Exception {
        FragmentedMedia h265 =
                FileMedia.load(Path.of("src/test/resources/fixtures/h265-320x240-15fps.mp4"));
        long archiveStart = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        List<FragmentRecord> written =
                kvs.createStream("hevc").appendArchived(h265, archiveStart, 6);
        long stop = written.get(written.size() - 1).producerEndMillis() - 1;

        List<FrameKey> frames =
                readBounded(
                        sourceFor(kvs)
                                .addStream("hevc")
                                .setStartingPosition(StartingPosition.earliest())
                                .setStoppingTimestamp(Instant.ofEpochMilli(stop)));

        List<Long> indices =
                new FrameSequenceVerifier(written, h265.frameRate()).assertContiguous(frames);
        assertThat(indices).hasSize(6 * 30);
        assertThat(indices.get(0)).isZero();
    }

    @Test
    void readsLiveH265OverMpegTsThroughInjectedFaults() throws Exception {
        FragmentedMedia h265 =
                FileMedia.load(Path.of("src/test/resources/fixtures/h265-320x240-15fps.mp4"));
        kvs.createStream("hevc-live").startLive(h265);
        awaitFragments(List.of("hevc-live"), 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .addStream("hevc-live")
                        .setContainerFormat(ContainerFormat.MPEG_TS)
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "hevc")
                        .executeAndCollect("hevc")) {
            while (frames.size() < 4 * FPS && results.hasNext()) {
                frames.add(results.next());
                if (frames.size() == 10) {
                    kvs.faults().expireAllSessions();
                    kvs.faults()
                            .failNext(
                                    io.kvsinfer.connector.kvs.localkvs.KvsOperation.GET_TS_FRAGMENT,
                                    1,
                                    503,
                                    "ServiceUnavailable");
                }
            }
        } finally {
            kvs.faults().clear();
        }
        new FrameSequenceVerifier(kvs.stream("hevc-live").fragments(), h265.frameRate())
                .assertContiguous(frames);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CameraWatermarks", "forMonotonousTimestamps with idleness"})
    void aSilentCameraIsIdleAndDoesNotHoldBackEventTime(String strategy) throws Exception {
        String live = "wm-live-" + strategy.length();
        String silent = "wm-silent-" + strategy.length();
        kvs.createStream(live).startLive(camera);
        kvs.createStream(silent);
        awaitFragments(List.of(live), 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Both cameras on one reader: its watermark is the minimum over the cameras that are not
        // idle.
        env.setParallelism(1);
        env.getConfig().setAutoWatermarkInterval(100);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .addStream(live)
                        .addStream(silent)
                        .setOption(
                                io.kvsinfer.connector.kvs.source.config.KvsSourceOptions
                                        .IDLE_POLL_INTERVAL,
                                java.time.Duration.ofMillis(500))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        // Flink's periodic generators emit an unchanged watermark every interval, which makes an
        // idle
        // output active again: with them, withIdleness keeps the silent camera idle.
        WatermarkStrategy<FrameKey> watermarks =
                strategy.equals("CameraWatermarks")
                        ? CameraWatermarks.forCameras(java.time.Duration.ZERO)
                        : WatermarkStrategy.<FrameKey>forMonotonousTimestamps()
                                .withIdleness(java.time.Duration.ofSeconds(1));
        List<Long> watermarksSeen = new ArrayList<>();
        try (CloseableIterator<long[]> results =
                env.fromSource(source, watermarks, "watermarks")
                        .process(
                                new org.apache.flink.streaming.api.functions.ProcessFunction<
                                        FrameKey, long[]>() {
                                    @Override
                                    public void processElement(
                                            FrameKey frame,
                                            Context ctx,
                                            org.apache.flink.util.Collector<long[]> out) {
                                        out.collect(
                                                new long[] {
                                                    frame.timestampMillis,
                                                    ctx.timerService().currentWatermark()
                                                });
                                    }
                                })
                        .executeAndCollect("watermarks")) {
            long firstFrame = -1;
            while (results.hasNext()) {
                long[] next = results.next();
                firstFrame = firstFrame < 0 ? next[0] : firstFrame;
                watermarksSeen.add(next[1]);
                if (next[1] > firstFrame) {
                    break;
                }
                assertThat(watermarksSeen.size())
                        .as("the watermark passes the first frame")
                        .isLessThan(20 * FPS);
            }
        }
        assertThat(watermarksSeen.get(watermarksSeen.size() - 1)).isGreaterThan(Long.MIN_VALUE);
    }

    @Test
    void samplesAndScalesAtTheSource() throws Exception {
        long archiveStart = (System.currentTimeMillis() - 900_000) / 1000 * 1000;
        List<FragmentRecord> written =
                kvs.createStream("sampled").appendArchived(camera, archiveStart, 4);
        long stop = written.get(written.size() - 1).producerEndMillis() - 1;
        FrameSequenceVerifier verifier = new FrameSequenceVerifier(written, FPS);

        List<FrameKey> twoFps =
                readBounded(
                        sourceFor(kvs)
                                .addStream("sampled")
                                .setStartingPosition(StartingPosition.earliest())
                                .setStoppingTimestamp(Instant.ofEpochMilli(stop))
                                .sampleFps(2)
                                .setOutputSize(160, 120));
        // 8 s at 2 fps: the first frame of every 500 ms slot, scaled, with the right picture.
        assertThat(twoFps).hasSize(16).allSatisfy(f -> assertThat(f.width).isEqualTo(160));
        for (int i = 0; i < twoFps.size(); i++) {
            assertThat(verifier.streamIndexOf(twoFps.get(i)))
                    .isEqualTo((long) Math.ceil(i * FPS / 2.0));
        }

        List<FrameKey> keyFrames =
                readBounded(
                        sourceFor(kvs)
                                .addStream("sampled")
                                .setStartingPosition(StartingPosition.earliest())
                                .setStoppingTimestamp(Instant.ofEpochMilli(stop))
                                .sampleKeyFramesOnly());
        assertThat(keyFrames).hasSize(4);
        for (int i = 0; i < keyFrames.size(); i++) {
            assertThat(verifier.streamIndexOf(keyFrames.get(i))).isEqualTo(i * 2L * FPS);
        }
    }

    private static List<FrameKey> readBounded(KvsHlsSourceBuilder<VideoFrame> builder)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<FrameKey> frames = new ArrayList<>();
        KvsHlsSource<FrameKey> source =
                builder.setFrameMapper(new PixelIndexMapper(), FrameKey.class).build();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "replay")
                        .executeAndCollect("replay")) {
            results.forEachRemaining(frames::add);
        }
        return frames;
    }

    private static boolean everyCameraHas(List<FrameKey> frames, List<String> cameras, int count) {
        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        return cameras.stream().allMatch(c -> byCamera.getOrDefault(c, List.of()).size() >= count);
    }

    private static FragmentRecord fragmentOf(String stream, long timestampMillis) {
        return kvs.stream(stream).fragments().stream()
                .filter(
                        f ->
                                timestampMillis >= f.producerMillis()
                                        && timestampMillis < f.producerEndMillis())
                .findFirst()
                .orElseThrow();
    }

    static void awaitFragments(List<String> streams, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (streams.stream().allMatch(s -> kvs.stream(s).fragments().size() >= count)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("LocalKvs produced no fragments for " + streams);
    }
}
