package io.kvsinfer.connector.kvs.decoder;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutputBuffersTest {

    private static final int ROW_BYTES = 1280 * 3;
    private static final int HEIGHT = 720;
    private static final int SIZE = ROW_BYTES * HEIGHT;

    private final IdlePixelMemory idle = new IdlePixelMemory(64L << 20);

    @Test
    void aParkedDecoderLeavesItsMemoryForTheNextCameraToDecode() {
        OutputBuffers waiting = new OutputBuffers(idle);
        OutputBuffers decoding = new OutputBuffers(idle);
        OutputBuffers.Buffer first = waiting.takeFree(ROW_BYTES, HEIGHT);

        waiting.park();

        assertThat(waiting.kept()).isZero();
        assertThat(idle.idleBytes()).isEqualTo(SIZE);
        OutputBuffers.Buffer next = decoding.takeFree(ROW_BYTES, HEIGHT);
        assertThat(next.pixels).isSameAs(first.pixels);
        assertThat(idle.idleBytes()).isZero();
    }

    @Test
    void aHeldBufferStaysWithItsHolderAndIsLeftOnceReleased() {
        OutputBuffers buffers = new OutputBuffers(idle);
        OutputBuffers.Buffer held = buffers.takeFree(ROW_BYTES, HEIGHT);
        held.hold();
        OutputBuffers.Buffer free = buffers.takeFree(ROW_BYTES, HEIGHT);
        assertThat(free).isNotSameAs(held);

        buffers.park();
        assertThat(buffers.kept()).isEqualTo(1);
        assertThat(idle.idleBytes()).isEqualTo(SIZE);

        held.pixels.put(0, (byte) 42);
        assertThat(held.readOnlyPixels.get(0)).isEqualTo((byte) 42);
        held.release();
        assertThat(buffers.kept()).isZero();
        assertThat(idle.idleBytes()).isEqualTo(2L * SIZE);
    }

    @Test
    void aDecoderDecodingAgainKeepsWhatItReleases() {
        OutputBuffers buffers = new OutputBuffers(idle);
        buffers.park();
        OutputBuffers.Buffer held = buffers.takeFree(ROW_BYTES, HEIGHT);
        held.hold();
        held.release();
        assertThat(buffers.kept()).isEqualTo(1);
        assertThat(idle.idleBytes()).isZero();
        assertThat(buffers.takeFree(ROW_BYTES, HEIGHT)).isSameAs(held);
    }

    @Test
    void idleMemoryIsBoundedAndTheRestLeftToTheCollector() {
        IdlePixelMemory small = new IdlePixelMemory(2L * SIZE);
        List<OutputBuffers> decoders =
                List.of(
                        new OutputBuffers(small),
                        new OutputBuffers(small),
                        new OutputBuffers(small));
        decoders.forEach(d -> d.takeFree(ROW_BYTES, HEIGHT));
        decoders.forEach(OutputBuffers::park);
        assertThat(small.idleBytes()).isEqualTo(2L * SIZE);
        assertThat(small.take(SIZE)).isNotNull();
        assertThat(small.take(SIZE)).isNotNull();
        assertThat(small.take(SIZE)).isNull();
        assertThat(small.take(SIZE + 1)).isNull();
    }
}
