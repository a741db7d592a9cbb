package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.decoder.BgrRows;

import org.apache.flink.annotation.PublicEvolving;

import java.nio.ByteBuffer;

/**
 * A decoded frame as a {@link FrameMapper} sees it. The pixels are a view of the decoder's buffer:
 * valid only during {@link FrameMapper#map}, and overwritten by the next frame. Copy what you keep.
 */
@PublicEvolving
public interface CameraFrame {

    /** The pixel format of {@link #pixels()}: packed 8-bit blue, green, red. */
    String PIXEL_FORMAT_BGR24 = "BGR24";

    String cameraId();

    /** The KVS stream name or ARN the camera was configured with. */
    String stream();

    /** Event time: the fragment's start time plus this frame's offset in it, epoch milliseconds. */
    long timestampMillis();

    /** The KVS fragment number the frame came from (an opaque decimal string). */
    String fragmentNumber();

    /** Position of the frame in its fragment, in decode order, counting frames dropped by sampling. */
    int indexInFragment();

    boolean isKeyFrame();

    int width();

    int height();

    /** Bytes from the start of one row to the next in {@link #pixels()}; at least {@code 3 * width}. */
    int stride();

    /** BGR24 pixels, {@link #stride()} bytes a row; a read-only view valid only during the call. */
    ByteBuffer pixels();

    /** A packed copy of the pixels ({@code 3 * width * height} bytes, no row padding). */
    default byte[] toBgrArray() {
        byte[] out = new byte[3 * width() * height()];
        copyBgrTo(out);
        return out;
    }

    /**
     * Packs the pixels into {@code out} ({@code 3 * width * height} bytes, no row padding), for
     * mappers that reuse their own arrays.
     *
     * @throws IllegalArgumentException if {@code out} has another length
     */
    default void copyBgrTo(byte[] out) {
        BgrRows.pack(pixels(), width(), height(), stride(), out);
    }
}
