package io.kvsinfer.connector.kvs.localkvs.media;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * A camera that never was: real H.264 (openh264) of a moving pattern in which every frame carries
 * its index within the loop as a {@link FrameIndexCode}, so that a consumer can verify from the
 * pixels alone that no frame was lost, duplicated or reordered.
 *
 * <p>One loop ({@code loopFragments} fragments of exactly {@code fragmentSeconds * fps} frames,
 * each starting with a key frame) is encoded once and cached in this process by its parameters;
 * LocalKvs then serves it over and over, re-timed.
 *
 * <p>{@link #encodeValues} instead encodes given values, one frame each, for tests that turn
 * records into video and read them back from the pixels.
 */
@PublicEvolving
public final class SyntheticCamera {

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticCamera.class);

    public static final int DEFAULT_FRAGMENT_SECONDS = 2;
    public static final int DEFAULT_LOOP_FRAGMENTS = 5;

    /** Encoded loops kept per process; a 10 s 1080p loop is a few MB. */
    private static final int CACHE_SIZE = 8;

    private static final Map<Key, FragmentedMedia> CACHE =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, FragmentedMedia> eldest) {
                    return size() > CACHE_SIZE;
                }
            };

    private record Key(
            int width,
            int height,
            int fps,
            int fragmentSeconds,
            int loopFragments,
            boolean audio) {}

    /** Audio of {@link #encode(int, int, int, int, int, boolean)}: a 440 Hz sine, mono AAC-LC. */
    static final int AUDIO_SAMPLE_RATE = 48_000;

    private SyntheticCamera() {}

    /**
     * A loop of {@value #DEFAULT_LOOP_FRAGMENTS} fragments of {@value #DEFAULT_FRAGMENT_SECONDS} s.
     */
    public static FragmentedMedia encode(int width, int height, int fps) {
        return encode(width, height, fps, DEFAULT_FRAGMENT_SECONDS, DEFAULT_LOOP_FRAGMENTS);
    }

    /**
     * A loop of {@code loopFragments} fragments of {@code fragmentSeconds} seconds each, encoded on
     * the first call for these parameters and taken from the cache afterwards.
     */
    public static FragmentedMedia encode(
            int width, int height, int fps, int fragmentSeconds, int loopFragments) {
        return encode(width, height, fps, fragmentSeconds, loopFragments, false);
    }

    /**
     * As {@link #encode(int, int, int, int, int)}; with {@code audio} the camera also records a
     * microphone (a sine tone, AAC-LC, track 2), as cameras with audio stream to KVS.
     */
    public static FragmentedMedia encode(
            int width, int height, int fps, int fragmentSeconds, int loopFragments, boolean audio) {
        checkPicture(width, height, fps);
        Preconditions.checkArgument(
                fragmentSeconds >= 1 && fragmentSeconds <= 10,
                "fragmentSeconds is %s but must be within 1..10",
                fragmentSeconds);
        Preconditions.checkArgument(
                loopFragments >= 1 && loopFragments <= 60,
                "loopFragments is %s but must be within 1..60",
                loopFragments);
        Key key = new Key(width, height, fps, fragmentSeconds, loopFragments, audio);
        // One lock for all: encodes are CPU-bound, running two at once gains nothing on small
        // hosts.
        synchronized (CACHE) {
            FragmentedMedia media = CACHE.get(key);
            if (media == null) {
                media = encodeUncached(key);
                CACHE.put(key, media);
            }
            return media;
        }
    }

    /**
     * Encodes one frame per value, frame {@code i} carrying {@code values[i]} as its {@link
     * FrameIndexCode} over the same moving pattern as {@link #encode}. The frames are cut into
     * fragments of {@code framesPerFragment} frames, each starting with a key frame; the last
     * fragment holds the remaining frames (fewer when the count does not divide evenly), so the
     * media has exactly {@code values.length} frames and no padding. Not cached: every call
     * encodes.
     *
     * <p>Served by {@code LocalKvsStream.appendArchived(media, start, media.fragmentCount())}, a
     * stream then holds exactly these frames, in this order, {@code 1000 / fps} ms apart.
     */
    public static FragmentedMedia encodeValues(
            int width, int height, int fps, int framesPerFragment, int[] values) {
        checkPicture(width, height, fps);
        Preconditions.checkNotNull(values, "values must not be null");
        Preconditions.checkArgument(
                values.length >= 1 && values.length <= 100_000,
                "values has %s entries but must have 1..100000",
                values.length);
        Preconditions.checkArgument(
                framesPerFragment >= 1 && framesPerFragment <= 10 * fps,
                "framesPerFragment is %s but must be within 1..%s (10 s at %s fps)",
                framesPerFragment,
                10 * fps,
                fps);
        int[] copy = values.clone();
        int expectedFragments = (copy.length + framesPerFragment - 1) / framesPerFragment;
        String what =
                "values "
                        + width
                        + "x"
                        + height
                        + "@"
                        + fps
                        + " ("
                        + copy.length
                        + " frames, "
                        + framesPerFragment
                        + " per fragment)";
        return encodeToMedia(
                what,
                width,
                height,
                fps,
                framesPerFragment,
                copy.length,
                i -> copy[i],
                expectedFragments,
                false);
    }

    private static void checkPicture(int width, int height, int fps) {
        Preconditions.checkArgument(
                width >= 64 && width <= 4096 && width % 2 == 0,
                "width is %s but must be even and within 64..4096",
                width);
        Preconditions.checkArgument(
                height >= 48 && height <= 2304 && height % 2 == 0,
                "height is %s but must be even and within 48..2304",
                height);
        Preconditions.checkArgument(
                fps >= 1 && fps <= 120, "fps is %s but must be within 1..120", fps);
    }

    private static FragmentedMedia encodeUncached(Key key) {
        int framesPerFragment = key.fps() * key.fragmentSeconds();
        return encodeToMedia(
                "synthetic camera " + key,
                key.width(),
                key.height(),
                key.fps(),
                framesPerFragment,
                framesPerFragment * key.loopFragments(),
                i -> i,
                key.loopFragments(),
                key.audio());
    }

    /** Renders {@code frames} frames (frame i carries {@code code(i)}), encodes and cuts them. */
    private static FragmentedMedia encodeToMedia(
            String what,
            int width,
            int height,
            int fps,
            int framesPerFragment,
            int frames,
            IntUnaryOperator code,
            int expectedFragments,
            boolean audio) {
        long started = System.nanoTime();
        Path file = null;
        try {
            file = Files.createTempFile("synthetic-camera-", ".mp4");
            record(file, width, height, fps, framesPerFragment, frames, code, audio);
            PreparedMedia media =
                    Fragmenter.fragment(file, Fragmenter.Cut.byFrames(framesPerFragment), audio);
            if (media.fragmentCount() != expectedFragments) {
                throw new IllegalStateException(
                        "encoded "
                                + media.fragmentCount()
                                + " fragments, expected "
                                + expectedFragments
                                + " for "
                                + what);
            }
            LOG.info(
                    "Encoded {} in {} ms ({} bytes per fragment on average)",
                    what,
                    (System.nanoTime() - started) / 1_000_000,
                    averageSize(media));
            return media;
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + what + " failed", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Could not delete temporary file {}", file, e);
                }
            }
        }
    }

    private static long averageSize(PreparedMedia media) {
        long total = 0;
        for (int i = 0; i < media.fragmentCount(); i++) {
            total += media.fragment(i).mp4().length;
        }
        return total / media.fragmentCount();
    }

    private static void record(
            Path file,
            int width,
            int height,
            int fps,
            int framesPerFragment,
            int frames,
            IntUnaryOperator code,
            boolean audio)
            throws IOException {
        FFmpegFrameRecorder recorder =
                new FFmpegFrameRecorder(file.toString(), width, height, audio ? 1 : 0);
        try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3)) {
            if (audio) {
                recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                recorder.setSampleRate(AUDIO_SAMPLE_RATE);
                recorder.setAudioChannels(1);
                recorder.setAudioBitrate(64_000);
            }
            recorder.setFormat("mp4");
            recorder.setVideoCodecName("libopenh264");
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            // A key frame at every fragment start; openh264 may add more inside, which is harmless.
            recorder.setGopSize(framesPerFragment);
            // About 4 Mbit/s at 1080p30, the bandwidth KVS examples show; a floor for tiny
            // pictures.
            recorder.setVideoBitrate((int) Math.max(200_000L, (long) width * height * fps / 16));
            recorder.start();
            byte[] bgr = new byte[width * height * 3];
            ByteBuffer image = (ByteBuffer) frame.image[0];
            for (int i = 0; i < frames; i++) {
                render(bgr, width, height, i, code.applyAsInt(i));
                for (int y = 0; y < height; y++) {
                    image.position(y * frame.imageStride);
                    image.put(bgr, y * width * 3, width * 3);
                }
                image.position(0);
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
                if (audio) {
                    recorder.recordSamples(AUDIO_SAMPLE_RATE, 1, sine(i, fps, AUDIO_SAMPLE_RATE));
                }
            }
            recorder.stop();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("openh264 encoding to " + file + " failed", e);
        } finally {
            recorder.release();
        }
    }

    /** The samples of a 440 Hz tone that play during video frame {@code index}. */
    static ShortBuffer sine(int index, int fps, int rate) {
        long from = (long) index * rate / fps;
        long to = (long) (index + 1) * rate / fps;
        short[] samples = new short[(int) (to - from)];
        for (int s = 0; s < samples.length; s++) {
            samples[s] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (from + s) / rate));
        }
        return ShortBuffer.wrap(samples);
    }

    /**
     * Draws frame {@code index}: a gradient and a checkerboard that move every frame (so the
     * encoder does real motion work), with the index code in the top band.
     */
    static void render(byte[] bgr, int width, int height, int index) {
        render(bgr, width, height, index, index);
    }

    /** Draws the pattern of frame {@code index} with {@code value} as the code in the top band. */
    static void render(byte[] bgr, int width, int height, int index, int value) {
        int shift = index * 4;
        for (int y = 0; y < height; y++) {
            int row = y * width * 3;
            int green = y * 255 / height + index * 2;
            int tileY = (y + index * 2) >> 5;
            for (int x = 0; x < width; x++) {
                int p = row + 3 * x;
                bgr[p] = (byte) ((x + shift) * 255 / width);
                bgr[p + 1] = (byte) green;
                bgr[p + 2] =
                        (byte) ((((x + shift) >> 5) ^ tileY) & 1) == 0 ? (byte) 40 : (byte) 200;
            }
        }
        FrameIndexCode.stamp(bgr, width, height, width * 3, value);
    }
}
