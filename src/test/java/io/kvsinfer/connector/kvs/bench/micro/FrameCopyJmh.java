package io.kvsinfer.connector.kvs.bench.micro;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.source.reader.FrameArrayPool;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The per-frame work after decoding of one 1080p BGR24 frame: the one copy out of FFmpeg's buffer
 * into a fresh array, against into an array from the pool, and reading the synthetic camera's index
 * from the pixels (what the tests do per frame).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrameCopyJmh {

    private static final int WIDTH = 1920;
    private static final int HEIGHT = 1080;
    private static final int SIZE = 3 * WIDTH * HEIGHT;

    private ByteBuffer decoded;
    private final FrameArrayPool pool = new FrameArrayPool(64L << 20);

    @Setup
    public void decodedFrame() {
        byte[] pixels = new byte[SIZE];
        FrameIndexCode.stamp(pixels, WIDTH, HEIGHT, 3 * WIDTH, 1234);
        decoded = ByteBuffer.allocateDirect(SIZE);
        decoded.put(pixels).flip();
    }

    @Benchmark
    public byte[] copyIntoNewArray() {
        byte[] out = new byte[SIZE];
        decoded.duplicate().get(out);
        return out;
    }

    @Benchmark
    public byte[] copyIntoPooledArray() {
        byte[] out = pool.take(SIZE);
        decoded.duplicate().get(out);
        pool.giveBack(out);
        return out;
    }

    @Benchmark
    public OptionalInt readFrameIndex() {
        return FrameIndexCode.read(decoded.duplicate(), WIDTH, HEIGHT, 3 * WIDTH);
    }
}
