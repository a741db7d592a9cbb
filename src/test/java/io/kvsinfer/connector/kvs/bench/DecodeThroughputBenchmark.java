package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decode throughput of one camera through the whole source (LocalKvs over HTTP, HLS, FFmpeg,
 * BGR24 copied into each {@link VideoFrame}, a Flink job with a discarding sink) against FFmpeg
 * alone decoding the very same fragments to BGR24 from a local file (JavaCV, no Flink, no HTTP),
 * with the same decoder thread count (1, the source's default). Runs alternate baseline and
 * source so machine noise hits both; the medians count.
 *
 * <p>Full: 60 s of 1920x1080 at 30 fps in 2 s fragments, three rounds. Quick (every build): 10 s
 * of 320x240 at 15 fps, one round.
 *
 * <pre>mvn -B -Pbench verify -Dtest=DecodeThroughputBenchmark</pre>
 */
@Tag("benchmark")
class DecodeThroughputBenchmark {

    private static final boolean QUICK = BenchResults.quick();
    private static final int WIDTH = QUICK ? 320 : 1920;
    private static final int HEIGHT = QUICK ? 240 : 1080;
    private static final int FPS = QUICK ? 15 : 30;
    private static final int FRAGMENTS = BenchResults.intSetting("bench.decode.fragments", 5, 30);
    private static final int ROUNDS = BenchResults.intSetting("bench.decode.rounds", 1, 3);

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
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            long end = kvs.createStream("decode").appendArchived(media, start, FRAGMENTS)
                    .get(FRAGMENTS - 1).producerEndMillis();
            for (int round = 0; round < ROUNDS; round++) {
                baseline.add(ffmpegAlone(file, expected));
                source.add(throughSource(kvs, start, end, expected, true));
                noCopy.add(throughSource(kvs, start, end, expected, false));
            }
        }
        double baselineFps = median(baseline);
        double sourceFps = median(source);
        double ratio = sourceFps / baselineFps;
        new BenchTable(String.format("Decode throughput, one camera, %dx%d@%d, %d frames, %d round(s)",
                WIDTH, HEIGHT, FPS, expected, ROUNDS), "path", "fps (median)", "runs")
                .row("FFmpeg alone (JavaCV, local file, BGR24, 1 thread)", String.format("%.0f", baselineFps), runs(baseline))
                .row("KvsHlsSource (LocalKvs HTTP, Flink job, BGR24 copied)", String.format("%.0f", sourceFps), runs(source))
                .row("KvsHlsSource, mapper keeping only the timestamp (no copy)", String.format("%.0f", median(noCopy)), runs(noCopy))
                .note(String.format("ratio_vs_ffmpeg = %.2f (target >= 0.90 in the full run)", ratio))
                .print();
        BenchResults.merge(Map.of(
                "single_camera_fps", round1(sourceFps),
                "ffmpeg_baseline_fps", round1(baselineFps),
                "ratio_vs_ffmpeg", Math.round(ratio * 100) / 100.0,
                "single_camera_fps_no_copy", round1(median(noCopy)),
                "decode_benchmark_resolution", WIDTH + "x" + HEIGHT + "@" + FPS));
        assertThat(sourceFps).isPositive();
    }

    /** Frames per second of FFmpeg decoding the file to BGR24, from the first frame to the last. */
    private static double ffmpegAlone(Path file, int expected) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            grabber.setVideoOption("threads", "1");
            grabber.start();
            long first = 0;
            long last = 0;
            int frames = 0;
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                last = System.nanoTime();
                if (frames++ == 0) {
                    first = last;
                }
                assertThat(frame.imageWidth).isEqualTo(WIDTH);
            }
            grabber.stop();
            assertThat(frames).as("frames FFmpeg decoded").isEqualTo(expected);
            return (frames - 1) * 1e9 / (last - first);
        }
    }

    /** Frames per second leaving the source in a bounded replay, from the first frame to the last. */
    private static double throughSource(LocalKvs kvs, long start, long end, int expected, boolean copyFrames)
            throws Exception {
        FIRST.set(0);
        LAST.set(0);
        COUNT.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        // Without object reuse Flink deep-copies every record between chained operators: a second
        // copy of each 6 MB frame. Video jobs should enable it (frames are not mutated downstream).
        env.getConfig().enableObjectReuse();
        KvsHlsSourceBuilder<VideoFrame> builder = sourceFor(kvs).addStream("decode")
                .setStartingPosition(StartingPosition.earliest())
                .setStoppingTimestamp(Instant.ofEpochMilli(end - 1))
                .setDecoderThreads(1);
        if (copyFrames) {
            env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "decode").sinkTo(new TimingSink<>());
        } else {
            env.fromSource(builder.setFrameMapper(CameraFrame::timestampMillis, Long.class).build(),
                    WatermarkStrategy.noWatermarks(), "decode").sinkTo(new TimingSink<>());
        }
        env.execute("decode throughput");
        assertThat(COUNT.get()).as("frames through the source").isEqualTo(expected);
        return (COUNT.get() - 1) * 1e9 / (LAST.get() - FIRST.get());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String runs(List<Double> fps) {
        List<String> formatted = new ArrayList<>();
        fps.forEach(v -> formatted.add(String.format("%.0f", v)));
        return String.join(" ", formatted);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** Drops frames, noting when the first and the last arrived. */
    private static final class TimingSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T frame, Context context) {
                    long now = System.nanoTime();
                    FIRST.compareAndSet(0, now);
                    LAST.set(now);
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
