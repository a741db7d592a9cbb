package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * FFmpeg alone decoding a local file on all cores, one decoding thread per core, with no Flink and
 * no HTTP: the baseline the live density benchmark judges the source against.
 */
final class FfmpegAlone {

    /** Frames per second: decode only (raw pictures), and decode + BGR24. */
    record Speeds(double decode, double bgr) {

        static final Speeds NONE = new Speeds(0, 0);

        /** Whether FFmpeg was read at all ({@link #NONE} when a step took no reading). */
        boolean measured() {
            return !equals(NONE);
        }

        /** The faster of two readings, each way. */
        Speeds fasterOf(Speeds other) {
            return new Speeds(Math.max(decode, other.decode), Math.max(bgr, other.bgr));
        }
    }

    private final Path file;
    private final int frameBudgetPerThread;

    /** Each thread decodes at most {@code frameBudgetPerThread} frames of {@code file}. */
    FfmpegAlone(Path file, int frameBudgetPerThread) {
        this.file = file;
        this.frameBudgetPerThread = frameBudgetPerThread;
    }

    /**
     * {@code media}'s init segment and {@code fragments} of its fragments, concatenated into one
     * local file in {@code dir}, for FFmpeg to read as the live cameras' stream.
     */
    static Path writeFile(FragmentedMedia media, Path dir, int fragments) throws IOException {
        Path file = dir.resolve("live-" + media.width() + "x" + media.height() + ".mp4");
        long at = 1_700_000_000_000L;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(media.initSegment());
            for (int i = 0; i < fragments; i++) {
                int index = i % media.fragmentCount();
                out.write(media.mp4Fragment(index, at, i + 1));
                at += media.durationMillis(index);
            }
        }
        return file;
    }

    /** Both speeds, each the best of {@code rounds} readings taken in turns. */
    Speeds best(int rounds) throws Exception {
        Speeds best = Speeds.NONE;
        for (int round = 0; round < rounds; round++) {
            best = best.fasterOf(new Speeds(fps(false, 1), fps(true, 1)));
        }
        return best;
    }

    /**
     * Frames per second with {@code streamsPerThread} decoders per thread taking turns frame by
     * frame, as many live cameras do (each decoder's reference frames leave the caches between its
     * frames): raw decoded pictures, or converted to BGR24.
     */
    double fps(boolean bgr, int streamsPerThread) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> decoded = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                decoded.add(pool.submit(() -> decodeInTurns(bgr, streamsPerThread)));
            }
            long frames = 0;
            for (Future<Integer> f : decoded) {
                frames += f.get();
            }
            return frames * 1e9 / (System.nanoTime() - started);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Frames decoded by {@code streams} decoders of the file taking turns, until one ends or the
     * frame budget is spent.
     */
    private int decodeInTurns(boolean bgr, int streams) throws Exception {
        List<FFmpegFrameGrabber> grabbers = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
                grabbers.add(grabber);
                if (bgr) {
                    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
                } else {
                    grabber.setImageMode(FrameGrabber.ImageMode.RAW);
                }
                grabber.setVideoOption("threads", "1");
                grabber.start();
            }
            int frames = 0;
            while (frames < frameBudgetPerThread) {
                for (FFmpegFrameGrabber grabber : grabbers) {
                    Frame frame = grabber.grabImage();
                    if (frame == null) {
                        return frames;
                    }
                    frames += frame.image != null ? 1 : 0;
                }
            }
            return frames;
        } finally {
            for (FFmpegFrameGrabber grabber : grabbers) {
                grabber.close();
            }
        }
    }
}
