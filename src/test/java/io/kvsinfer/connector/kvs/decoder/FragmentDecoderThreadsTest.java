package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.START;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.decodeAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thread count a decoder is set up with is asked when it is set up, and kept while it serves.
 */
class FragmentDecoderThreadsTest {

    @Test
    void aDecoderTakesTheThreadsAskedAtItsSetUpAndKeepsThem() throws Exception {
        FragmentedMedia camera = SyntheticCamera.encode(320, 240, 15);
        AtomicInteger threads = new AtomicInteger(2);
        DecoderSettings settings = DecoderSettings.builder().threads(threads::get).build();
        try (FragmentDecoder decoder = new FragmentDecoder(settings)) {
            assertThat(decodeAll(decoder, camera.initSegment(), camera.mp4Fragment(0, START, 1)))
                    .hasSize(camera.frameCount(0));
            assertThat(decoder.decoderThreads()).isEqualTo(2);
            threads.set(1);
            long next = START + camera.durationMillis(0);
            assertThat(decodeAll(decoder, camera.initSegment(), camera.mp4Fragment(1, next, 2)))
                    .extracting(DecoderTestSupport.Got::pixelIndex)
                    .startsWith(camera.frameCount(0));
            assertThat(decoder.decoderThreads())
                    .as("the camera keeps its decoder, threads and all")
                    .isEqualTo(2);
        }
        try (FragmentDecoder decoder = new FragmentDecoder(settings)) {
            decodeAll(decoder, camera.initSegment(), camera.mp4Fragment(0, START, 1));
            assertThat(decoder.decoderThreads()).as("a decoder set up now").isEqualTo(1);
        }
    }
}
