package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.decoder.PackedRows;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;

import org.apache.flink.annotation.PublicEvolving;

import java.nio.ByteBuffer;

/**
 * A decoded frame as a {@link FrameMapper} sees it. The pixels are a view of the decoder's buffer:
 * valid only during {@link FrameMapper#map}, and overwritten by the next frame. Copy what you keep.
 */
@PublicEvolving
public interface CameraFrame {

    String cameraId();

    /** The KVS stream name or ARN the camera was configured with. */
    String stream();

    /** Event time: the fragment's start time plus this frame's offset in it, epoch milliseconds. */
    long timestampMillis();

    /** The KVS fragment number the frame came from (an opaque decimal string). */
    String fragmentNumber();

    /**
     * Position of the frame in its fragment, in decode order, counting frames dropped by sampling.
     */
    int indexInFragment();

    boolean isKeyFrame();

    /** The pixel format of {@link #pixels()}, as the source was configured: BGR24 unless set. */
    PixelFormat pixelFormat();

    int width();

    int height();

    /**
     * Bytes from the start of one row to the next in {@link #pixels()}; at least {@code width *
     * pixelFormat().bytesPerPixel()}.
     */
    int stride();

    /** The pixels, {@link #stride()} bytes a row; a read-only view valid only during the call. */
    ByteBuffer pixels();

    /** Bytes a packed copy of the pixels takes: width times height times bytes per pixel. */
    default int packedSize() {
        return pixelFormat().bytesPerPixel() * width() * height();
    }

    /** A packed copy of the pixels ({@link #packedSize()} bytes, no row padding). */
    default byte[] toPackedArray() {
        byte[] out = new byte[packedSize()];
        copyPackedTo(out);
        return out;
    }

    /**
     * Packs the pixels into {@code out} ({@link #packedSize()} bytes, no row padding), for mappers
     * that reuse their own arrays.
     *
     * @throws IllegalArgumentException if {@code out} has another length
     */
    default void copyPackedTo(byte[] out) {
        int bytesPerPixel = pixelFormat().bytesPerPixel();
        PackedRows.checkLength(pixelFormat(), width(), height(), bytesPerPixel, out);
        PackedRows.pack(pixels(), bytesPerPixel * width(), height(), stride(), out);
    }
}
