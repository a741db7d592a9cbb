package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.compat.WriterSink;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.onDemandSessionUrl;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decode throughput of one camera through the whole source (LocalKvs over HTTP, HLS, FFmpeg, BGR24
 * copied into each {@link VideoFrame}, a Flink job with a discarding sink) against FFmpeg alone
 * decoding the very same fragments to BGR24 from a local file (JavaCV, no Flink, no HTTP), with one
 * decoder thread each. And the source with its default settings (decoder threads adapt to the
 * cameras: all cores for a lone camera) against the way OpenCV's {@code VideoCapture} (and the
 * Python reader) reads KVS: FFmpeg with all threads opening an HLS session of the same fragments,
 * converting to BGR24 and copying each picture into an array (judged); beside it the same without
 * the copy, FFmpeg with all threads from the local file, and real OpenCV when Debian's {@code
 * python3-opencv} is installed (reported). Runs alternate baselines and source so machine noise
 * hits all; the medians count. The judged pair, defaults against OpenCV's way, runs back to back,
 * taking turns going first, and is judged by the median of its rounds' ratios: this shared machine
 * changes speed by a third within minutes, which a ratio of medians taken a minute apart would
 * carry.
 *
 * <p>Full: 60 s of 1920x1080 at 30 fps in 2 s fragments, one uncounted warm-up round, then three
 * rounds, then four more rounds of only the judged pair. Quick (in CI, -Pextras): 10 s of 320x240
 * at 15 fps, one round. Every job runs on one MiniCluster that stays up ({@link BenchCluster}).
 *
 * <pre>mvn -B -Pbench verify -Dtest=DecodeThroughputBenchmark</pre>
 */
@Tag("benchmark")
class DecodeThroughputBenchmark {

    private static final boolean QUICK = BenchResults.quick();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = BenchCluster.shared();

    private static final int WIDTH = QUICK ? 320 : 1920;
    private static final int HEIGHT = QUICK ? 240 : 1080;
    private static final int FPS = QUICK ? 15 : 30;
    private static final int FRAGMENTS = BenchResults.intSetting("bench.decode.fragments", 5, 30);
    private static final int ROUNDS = BenchResults.intSetting("bench.decode.rounds", 1, 3);
    private static final int WARM_UP_ROUNDS =
            BenchResults.intSetting("bench.decode.warm-up-rounds", 0, 1);

    /**
     * Rounds of only the judged pair (defaults against OpenCV's way) after the full rounds: the
     * judged ratio is the median of every round's pair, so it needs more rounds than the table.
     */
    private static final int PAIR_ROUNDS =
            BenchResults.intSetting("bench.decode.pair-rounds", 0, 4);

    /** First and last arrival of a frame at the sink, and how many arrived. */
    private static final AtomicLong FIRST = new AtomicLong();

    private static final AtomicLong LAST = new AtomicLong();
    private static final AtomicLong COUNT = new AtomicLong();

    @Test
    void singleCameraAgainstFfmpegAlone(@TempDir Path dir) throws Exception {
        FragmentedMedia media = SyntheticCamera.encode(WIDTH, HEIGHT, FPS);
        long start = (System.currentTimeMillis() - 3_600_000) / 1000 * 1000;
        Path file = dir.resolve("fragments.mp4");
        int expected = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(media.initSegment());
            long at = start;
            for (int i = 0; i < FRAGMENTS; i++) {
                int index = i % media.fragmentCount();
                out.write(media.mp4Fragment(index, at, i + 1));
                at += media.durationMillis(index);
                expected += media.frameCount(index);
            }
        }
        List<Double> baseline = new ArrayList<>();
        List<Double> source = new ArrayList<>();
        List<Double> noCopy = new ArrayList<>();
        List<Double> allThreadsBaseline = new ArrayList<>();
        List<Double> defaults = new ArrayList<>();
        List<Double> sessionBaseline = new ArrayList<>();
        List<Double> openCvEquivalent = new ArrayList<>();
        List<Double> openCv = new ArrayList<>();
        List<Double> pairRatios = new ArrayList<>();
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            long end =
                    kvs.createStream("decode")
                            .appendArchived(media, start, FRAGMENTS)
                            .get(FRAGMENTS - 1)
                            .producerEndMillis();
            // Warm-up rounds run every path once uncounted: the JIT compiler, Flink's first job and
            // the caches then cost no path its first measured round.
            for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
                boolean counted = round >= 0;
                count(counted, baseline, ffmpegAlone(file, expected, 1));
                count(
                        counted,
                        source,
                        throughSource(kvs, List.of("decode"), 1, end, expected, true, 1));
                count(
                        counted,
                        noCopy,
                        throughSource(kvs, List.of("decode"), 1, end, expected, false, 1));
                count(counted, allThreadsBaseline, ffmpegAlone(file, expected, 0));
                String session = onDemandSessionUrl(kvs, "decode", "FRAGMENTED_MP4", start, end);
                count(counted, sessionBaseline, ffmpegOnSession(session, expected, false));
                double[] pair = judgedPair(kvs, end, expected, session, round);
                count(counted, defaults, pair[0]);
                count(counted, openCvEquivalent, pair[1]);
                count(counted, pairRatios, pair[0] / pair[1]);
                Optional<Double> openCvFps = OpenCvReader.fps(session, expected);
                if (openCvFps.isPresent()) {
                    count(counted, openCv, openCvFps.get());
                }
            }
            for (int round = ROUNDS; round < ROUNDS + PAIR_ROUNDS; round++) {
                String session = onDemandSessionUrl(kvs, "decode", "FRAGMENTED_MP4", start, end);
                double[] pair = judgedPair(kvs, end, expected, session, round);
                pairRatios.add(pair[0] / pair[1]);
            }
        }
        double baselineFps = median(baseline);
        double sourceFps = median(source);
        double ratio = sourceFps / baselineFps;
        double defaultsFps = median(defaults);
        double allThreadsFps = median(allThreadsBaseline);
        double defaultsRatio = defaultsFps / allThreadsFps;
        double sessionFps = median(sessionBaseline);
        double openCvEquivalentFps = median(openCvEquivalent);
        double defaultsVsOpenCvEquivalent = median(pairRatios);
        new BenchTable(
                        String.format(
                                "Decode throughput, one camera, %dx%d@%d, %d frames, %d round(s)",
                                WIDTH, HEIGHT, FPS, expected, ROUNDS),
                        "path",
                        "fps (median)",
                        "runs")
                .row(
                        "FFmpeg alone (JavaCV, local file, BGR24, 1 thread)",
                        fps(baseline),
                        runs(baseline))
                .row(
                        "KvsHlsSource (LocalKvs HTTP, Flink job, BGR24 copied)",
                        fps(source),
                        runs(source))
                .row(
                        "KvsHlsSource, mapper keeping only the timestamp (no copy, no conversion)",
                        fps(noCopy),
                        runs(noCopy))
                .row(
                        "FFmpeg alone, all threads, local file (no HTTP)",
                        fps(allThreadsBaseline),
                        runs(allThreadsBaseline))
                .row(
                        "KvsHlsSource with default settings (adaptive decoder threads)",
                        fps(defaults),
                        runs(defaults))
                .row(
                        "FFmpeg alone, all threads, reading an HLS session of the same fragments",
                        fps(sessionBaseline),
                        runs(sessionBaseline))
                .row(
                        "the same, each picture copied into a Java array (as OpenCV reads KVS)",
                        fps(openCvEquivalent),
                        runs(openCvEquivalent))
                .row(
                        "OpenCV VideoCapture (" + OpenCvReader.describe() + "), HLS session",
                        fps(openCv),
                        runs(openCv))
                .note(
                        String.format(
                                "ratio_vs_ffmpeg = %.2f (target >= 0.90 in the full run)", ratio))
                .note(
                        String.format(
                                "ratio_defaults_vs_ffmpeg_all_threads = %.2f (reported: FFmpeg from"
                                        + " a local file, no HTTP, no copy)",
                                defaultsRatio))
                .note(
                        String.format(
                                "ratio_defaults_vs_opencv_equivalent = %.2f (target >= 1.0 in the"
                                        + " full run; the median of %d rounds' pairs, run back to"
                                        + " back in turns: %s; of the medians above: %.2f)",
                                defaultsVsOpenCvEquivalent,
                                pairRatios.size(),
                                ratios(pairRatios),
                                defaultsFps / openCvEquivalentFps))
                .note(
                        openCv.isEmpty()
                                ? "ratio_defaults_vs_opencv: OpenCV not installed"
                                : String.format(
                                        "ratio_defaults_vs_opencv = %.2f (real OpenCV, reported)",
                                        defaultsFps / median(openCv)))
                .print();
        Map<String, Object> results = new java.util.LinkedHashMap<>();
        results.put("single_camera_fps", round1(sourceFps));
        results.put("ffmpeg_baseline_fps", round1(baselineFps));
        results.put("ratio_vs_ffmpeg", round2(ratio));
        results.put("single_camera_fps_no_copy", round1(median(noCopy)));
        results.put("single_camera_defaults_fps", round1(defaultsFps));
        results.put("ffmpeg_all_threads_fps", round1(allThreadsFps));
        results.put("ratio_defaults_vs_ffmpeg_all_threads", round2(defaultsRatio));
        results.put("single_camera_session_ffmpeg_fps", round1(sessionFps));
        results.put("single_camera_opencv_equivalent_fps", round1(openCvEquivalentFps));
        results.put("ratio_defaults_vs_opencv_equivalent", round2(defaultsVsOpenCvEquivalent));
        results.put(
                "ratio_defaults_vs_opencv_equivalent_of_medians",
                round2(defaultsFps / openCvEquivalentFps));
        if (!openCv.isEmpty()) {
            results.put("single_camera_opencv_fps", round1(median(openCv)));
            results.put("ratio_defaults_vs_opencv", round2(defaultsFps / median(openCv)));
        }
        results.put("decode_benchmark_resolution", WIDTH + "x" + HEIGHT + "@" + FPS);
        BenchResults.merge(results);
        assertThat(sourceFps).isPositive();
    }

    /**
     * Frames per second of FFmpeg decoding the file to BGR24 with {@code threads} (0: FFmpeg's own
     * choice, one per core), from the first frame to the last.
     */
    private static double ffmpegAlone(Path file, int expected, int threads) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            return grabbedFps(grabber, threads, false, expected, "frames FFmpeg decoded");
        }
    }

    /**
     * Frames per second of FFmpeg reading an HLS session over HTTP and decoding to BGR24 with all
     * threads, from the first frame to the last. With {@code copy}, each picture is also copied
     * into a Java array, reused: what OpenCV's {@code VideoCapture.read} does (it converts into its
     * own buffer and copies into the array it returns), so this is OpenCV's way of reading KVS with
     * FFmpeg 8.
     */
    private static double ffmpegOnSession(String url, int expected, boolean copy) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url)) {
            grabber.setFormat("hls");
            return grabbedFps(grabber, 0, copy, expected, "frames FFmpeg read from the session");
        }
    }

    /**
     * Starts {@code grabber} for BGR24 with {@code threads} and grabs every picture (copying each
     * into a reused array with {@code copy}); frames per second from the first frame to the last.
     */
    private static double grabbedFps(
            FFmpegFrameGrabber grabber, int threads, boolean copy, int expected, String what)
            throws Exception {
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        grabber.setVideoOption("threads", Integer.toString(threads));
        grabber.start();
        long first = 0;
        long last = 0;
        int frames = 0;
        byte[] array = new byte[0];
        Frame frame;
        while ((frame = grabber.grabImage()) != null) {
            if (copy) {
                ByteBuffer pixels = (ByteBuffer) frame.image[0];
                if (array.length != pixels.limit()) {
                    array = new byte[pixels.limit()];
                }
                pixels.get(0, array);
            }
            last = System.nanoTime();
            if (frames++ == 0) {
                first = last;
            }
            assertThat(frame.imageWidth).isEqualTo(WIDTH);
        }
        grabber.stop();
        assertThat(frames).as(what).isEqualTo(expected);
        if (copy) {
            assertThat(array.length).isGreaterThanOrEqualTo(3 * WIDTH * HEIGHT);
        }
        return (frames - 1) * 1e9 / (last - first);
    }

    /**
     * Scaling: the same replay with 1, 2, 4 and 8 cameras (quick: 1 and 2) at parallelism 1 and 2,
     * one decoder thread per camera. Aggregate frames per second, from the first frame to the last.
     */
    @Test
    void scalesWithCamerasAndParallelism() throws Exception {
        FragmentedMedia media = SyntheticCamera.encode(WIDTH, HEIGHT, FPS);
        long start = (System.currentTimeMillis() - 3_600_000) / 1000 * 1000;
        int fragments = BenchResults.intSetting("bench.scaling.fragments", 2, 5);
        List<Integer> cameraCounts = QUICK ? List.of(1, 2) : List.of(1, 2, 4, 8);
        BenchTable table =
                new BenchTable(
                        String.format(
                                "Decode scaling, %dx%d@%d, %d s per camera, 1 decoder thread each",
                                WIDTH, HEIGHT, FPS, fragments * 2),
                        "cameras",
                        "parallelism 1 (fps)",
                        "parallelism 2 (fps)");
        Map<String, Object> results = new java.util.LinkedHashMap<>();
        Map<String, Map<Integer, Double>> lines = new java.util.TreeMap<>();
        double bestSingle = 0;
        double bestFour = 0;
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            List<String> streams = new ArrayList<>();
            long end = 0;
            int perCamera = 0;
            for (int i = 0; i < 8; i++) {
                var written =
                        kvs.createStream("scale-" + i).appendArchived(media, start, fragments);
                end = written.get(fragments - 1).producerEndMillis();
                streams.add("scale-" + i);
            }
            for (int i = 0; i < fragments; i++) {
                perCamera += media.frameCount(i % media.fragmentCount());
            }
            for (int cameras : cameraCounts) {
                double[] fps = new double[2];
                for (int parallelism = 1; parallelism <= 2; parallelism++) {
                    fps[parallelism - 1] =
                            throughSource(
                                    kvs,
                                    streams.subList(0, cameras),
                                    parallelism,
                                    end,
                                    cameras * perCamera,
                                    true,
                                    1);
                    results.put(
                            "scaling_fps_c" + cameras + "_p" + parallelism,
                            round1(fps[parallelism - 1]));
                    lines.computeIfAbsent(
                                    "parallelism " + parallelism, k -> new java.util.TreeMap<>())
                            .put(cameras, fps[parallelism - 1]);
                }
                table.row(cameras, String.format("%.0f", fps[0]), String.format("%.0f", fps[1]));
                if (cameras == 1) {
                    bestSingle = Math.max(fps[0], fps[1]);
                } else if (cameras == 4) {
                    bestFour = Math.max(fps[0], fps[1]);
                }
            }
        }
        if (bestFour > 0) {
            double efficiency = bestFour / bestSingle;
            results.put("scaling_efficiency_4", round2(efficiency));
            table.note(
                    String.format(
                            "scaling_efficiency_4 = %.2f (aggregate fps at 4 cameras / best single"
                                    + " camera; target >= 0.90)",
                            efficiency));
        }
        table.print();
        BenchResults.merge(results);
        BenchCharts.throughput(
                lines,
                String.format(
                        "Decode throughput against cameras, %dx%d@%d, 1 decoder thread each",
                        WIDTH, HEIGHT, FPS),
                BenchResults.file().resolveSibling("scaling.png"));
    }

    /**
     * Frames per second leaving the source in a bounded replay of {@code streams}, first frame to
     * last, with {@code decoderThreads} per camera (null: the source's default).
     */
    private static double throughSource(
            LocalKvs kvs,
            List<String> streams,
            int parallelism,
            long end,
            int expected,
            boolean copyFrames,
            Integer decoderThreads)
            throws Exception {
        FIRST.set(Long.MAX_VALUE);
        LAST.set(0);
        COUNT.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        // Without object reuse Flink deep-copies every record between chained operators: a second
        // copy of each 6 MB frame. Video jobs should enable it (frames are not mutated downstream).
        env.getConfig().enableObjectReuse();
        KvsHlsSourceBuilder<VideoFrame> builder =
                sourceFor(kvs)
                        .setStartingPosition(StartingPosition.earliest())
                        .setStoppingTimestamp(Instant.ofEpochMilli(end - 1));
        if (decoderThreads != null) {
            builder.setDecoderThreads(decoderThreads);
        }
        streams.forEach(builder::addStream);
        if (copyFrames) {
            env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "decode")
                    .sinkTo(new TimingSink<>());
        } else {
            env.fromSource(
                            builder.setFrameMapper(CameraFrame::timestampMillis, Long.class)
                                    .build(),
                            WatermarkStrategy.noWatermarks(),
                            "decode")
                    .sinkTo(new TimingSink<>());
        }
        env.execute("decode throughput");
        assertThat(COUNT.get()).as("frames through the source").isEqualTo(expected);
        return (COUNT.get() - 1) * 1e9 / (LAST.get() - FIRST.get());
    }

    /**
     * The judged pair, back to back: the source with default settings and OpenCV's way on the same
     * session, frames per second of each. They take turns going first, so that neither always meets
     * the machine a minute later, nor always follows the other's JIT and cache state.
     */
    private static double[] judgedPair(
            LocalKvs kvs, long end, int expected, String session, int round) throws Exception {
        double[] pair = new double[2];
        for (int turn = 0; turn < 2; turn++) {
            if ((turn + Math.floorMod(round, 2)) % 2 == 0) {
                pair[0] = throughSource(kvs, List.of("decode"), 1, end, expected, true, null);
            } else {
                pair[1] = ffmpegOnSession(session, expected, true);
            }
        }
        return pair;
    }

    private static String ratios(List<Double> ratios) {
        return ratios.stream()
                .map(r -> String.format("%.2f", r))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static void count(boolean counted, List<Double> runs, double fps) {
        if (counted) {
            runs.add(fps);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The median frames per second of {@code runs}, for the table; "-" without runs. */
    private static String fps(List<Double> runs) {
        return runs.isEmpty() ? "-" : String.format("%.0f", median(runs));
    }

    private static String runs(List<Double> fps) {
        List<String> formatted = new ArrayList<>();
        fps.forEach(v -> formatted.add(String.format("%.0f", v)));
        return String.join(" ", formatted);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Drops frames, noting when the first and the last arrived. */
    private static final class TimingSink<T> extends WriterSink<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T frame, Context context) {
                    long now = System.nanoTime();
                    FIRST.accumulateAndGet(now, Math::min);
                    LAST.accumulateAndGet(now, Math::max);
                    COUNT.incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
