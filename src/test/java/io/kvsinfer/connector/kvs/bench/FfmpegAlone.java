package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.decoder.PackedRows;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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

    /**
     * Frames per second: decode only (raw pictures), decode + BGR24, and decode + BGR24 with each
     * picture then copied into a Java array ({@code 0} unless asked for, see {@link
     * #FfmpegAlone(Path, int, boolean)}).
     */
    record Speeds(double decode, double bgr, double bgrCopied) {

        static final Speeds NONE = new Speeds(0, 0, 0);

        /** Whether FFmpeg was read at all ({@link #NONE} when a step took no reading). */
        boolean measured() {
            return !equals(NONE);
        }

        /** The faster of two readings, each way. */
        Speeds fasterOf(Speeds other) {
            return new Speeds(
                    Math.max(decode, other.decode),
                    Math.max(bgr, other.bgr),
                    Math.max(bgrCopied, other.bgrCopied));
        }
    }

    /** What each decoded picture becomes. */
    private enum Output {
        RAW,
        BGR24,
        /**
         * BGR24, then copied into the next of {@link #ARRAYS_IN_TURN} Java arrays, as any consumer
         * that hands frames on (to another thread, a queue, a numpy array) writes each frame
         * somewhere new.
         */
        BGR24_COPIED
    }

    /** Arrays a thread copies its pictures into in turn: a few frames in flight through a pool. */
    private static final int ARRAYS_IN_TURN = 8;

    private final Path file;
    private final int frameBudgetPerThread;
    private final boolean readCopied;

    /** Each thread decodes at most {@code frameBudgetPerThread} frames of {@code file}. */
    FfmpegAlone(Path file, int frameBudgetPerThread) {
        this(file, frameBudgetPerThread, false);
    }

    /**
     * As {@link #FfmpegAlone(Path, int)}; {@code readCopied} adds the reading with a copy of each
     * picture ({@link Speeds#bgrCopied()}) to {@link #best(int)}, a third more time a reading.
     */
    FfmpegAlone(Path file, int frameBudgetPerThread, boolean readCopied) {
        this.file = file;
        this.frameBudgetPerThread = frameBudgetPerThread;
        this.readCopied = readCopied;
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
            double copied = readCopied ? fps(Output.BGR24_COPIED, 1) : 0;
            best = best.fasterOf(new Speeds(fps(false, 1), fps(true, 1), copied));
        }
        return best;
    }

    /**
     * Frames per second with {@code streamsPerThread} decoders per thread taking turns frame by
     * frame, as many live cameras do (each decoder's reference frames leave the caches between its
     * frames): raw decoded pictures, or converted to BGR24.
     */
    double fps(boolean bgr, int streamsPerThread) throws Exception {
        return fps(bgr ? Output.BGR24 : Output.RAW, streamsPerThread);
    }

    private double fps(Output output, int streamsPerThread) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> decoded = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                decoded.add(pool.submit(() -> decodeInTurns(output, streamsPerThread)));
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
    private int decodeInTurns(Output output, int streams) throws Exception {
        List<FFmpegFrameGrabber> grabbers = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
                grabbers.add(grabber);
                if (output != Output.RAW) {
                    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
                } else {
                    grabber.setImageMode(FrameGrabber.ImageMode.RAW);
                }
                grabber.setVideoOption("threads", "1");
                grabber.start();
            }
            byte[][] arrays = new byte[ARRAYS_IN_TURN][];
            int frames = 0;
            while (frames < frameBudgetPerThread) {
                for (FFmpegFrameGrabber grabber : grabbers) {
                    Frame frame = grabber.grabImage();
                    if (frame == null) {
                        return frames;
                    }
                    if (frame.image != null) {
                        if (output == Output.BGR24_COPIED) {
                            copy(frame, arrays, frames % ARRAYS_IN_TURN);
                        }
                        frames++;
                    }
                }
            }
            return frames;
        } finally {
            for (FFmpegFrameGrabber grabber : grabbers) {
                grabber.close();
            }
        }
    }

    /** Packs {@code frame}'s BGR24 rows into {@code arrays[index]}, allocated once. */
    private static void copy(Frame frame, byte[][] arrays, int index) {
        int rowBytes = frame.imageWidth * 3;
        if (arrays[index] == null) {
            arrays[index] = new byte[rowBytes * frame.imageHeight];
        }
        PackedRows.pack(
                (ByteBuffer) frame.image[0],
                rowBytes,
                frame.imageHeight,
                frame.imageStride,
                arrays[index]);
    }
}
