package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.START;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints (never asserts) decoding speed at one thread: every frame to BGR, every frame decoded but
 * none converted, and key frames only. Single runs on a shared machine: compare ratios, not
 * numbers.
 */
class FragmentDecoderThroughputTest {

    private static final int FPS = 15;
    private static final int PASSES = 3;

    @ParameterizedTest
    @CsvSource({"640, 360", "1280, 720"})
    void printThroughput(int width, int height) throws Exception {
        FragmentedMedia media = SyntheticCamera.encode(width, height, FPS);
        byte[][] fragments = new byte[media.fragmentCount()][];
        for (int i = 0; i < fragments.length; i++) {
            fragments[i] = media.mp4Fragment(i, START + 2000L * i, i + 1);
        }
        DecoderSettings.Builder settings = DecoderSettings.builder().threads(1);
        run("warm-up", media, fragments, settings.build(), FrameSampler.ALL);
        double all = run("decode + BGR", media, fragments, settings.build(), FrameSampler.ALL);
        double none =
                run(
                        "decode, nothing kept",
                        media,
                        fragments,
                        settings.build(),
                        (t, i, o, k) -> false);
        double keys =
                run(
                        "key frames only + BGR",
                        media,
                        fragments,
                        settings.keyFramesOnly(true).build(),
                        FrameSampler.ALL);
        System.out.printf(
                "%dx%d fMP4, 1 thread: decode+BGR %.0f frames/s, decode only %.0f frames/s,"
                        + " key frames only %.0f frames of video/s%n",
                width, height, all, none, keys);
    }

    /** Frames of video (the fragments' full frame counts) gone through per second of wall time. */
    private static double run(
            String label,
            FragmentedMedia media,
            byte[][] fragments,
            DecoderSettings settings,
            FrameSampler sampler)
            throws Exception {
        int videoFrames = 0;
        int kept = 0;
        long started = System.nanoTime();
        try (FragmentDecoder decoder = new FragmentDecoder(settings)) {
            for (int pass = 0; pass < PASSES; pass++) {
                for (int i = 0; i < fragments.length; i++) {
                    decoder.open(media.initSegment(), fragments[i]);
                    while (decoder.next(sampler) != null) {
                        kept++;
                    }
                    videoFrames += media.frameCount(i);
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(videoFrames).isPositive();
        System.out.printf(
                "  %s %dx%d: %d frames of video, %d returned, %.3f s%n",
                label, media.width(), media.height(), videoFrames, kept, seconds);
        return videoFrames / seconds;
    }
}
