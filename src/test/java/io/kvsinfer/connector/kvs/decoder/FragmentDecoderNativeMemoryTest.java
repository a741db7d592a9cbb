package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.ResidentMemory;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Decoders made and closed over and over, as a TaskManager failover or a camera's reconnects do,
 * half-read and on corrupt fragments too, must not grow native memory: FFmpeg's contexts, frames
 * and buffers are outside the heap, so a missed free shows only in resident memory. After a warm-up
 * that sets the allocator's high-water mark, 300 more cycles may not add more than 64 MB, where a
 * leaked 720p decoder (its reference frames alone are several MB) would add hundreds.
 */
class FragmentDecoderNativeMemoryTest {

    @Test
    void makingAndClosingDecodersDoesNotGrowResidentMemory() throws Exception {
        assumeTrue(
                Files.isReadable(ResidentMemory.STATUS),
                "resident memory is read from /proc (Linux)");
        FragmentedMedia media = SyntheticCamera.encode(1280, 720, 15);
        byte[] init = media.initSegment();
        byte[] fragment = media.mp4Fragment(0, DecoderTestSupport.START, 1);
        byte[] truncated = Arrays.copyOf(fragment, fragment.length / 3);

        cycles(100, init, fragment, truncated);
        long warm = ResidentMemory.bytes() / (1024 * 1024);
        cycles(300, init, fragment, truncated);
        long after = ResidentMemory.bytes() / (1024 * 1024);

        assertThat(after - warm)
                .as("resident memory growth over 300 decoders, MB (warm %s, after %s)", warm, after)
                .isLessThan(64);
    }

    private static void cycles(int count, byte[] init, byte[] fragment, byte[] truncated)
            throws Exception {
        DecoderSettings settings =
                DecoderSettings.builder()
                        .inputFormat(InputFormat.FRAGMENTED_MP4)
                        .threads(1)
                        .build();
        for (int i = 0; i < count; i++) {
            try (FragmentDecoder decoder = new FragmentDecoder(settings)) {
                decoder.open(init, fragment);
                for (int f = 0; f < 3; f++) {
                    decoder.next((tag, index, offset, key) -> true).hold().release();
                }
                try {
                    decoder.open(init, truncated);
                    while (decoder.next((tag, index, offset, key) -> true) != null) {
                        // read what the truncated fragment has; it ends in an error or early
                    }
                } catch (CorruptFragmentException expected) {
                    // counted and skipped by the reader; here only its cleanup matters
                }
            }
            if (i % 25 == 24) {
                // Output buffers are direct ByteBuffers freed when collected; collect them as a
                // busy heap would.
                System.gc();
            }
        }
        System.gc();
        Thread.sleep(100);
    }
}
