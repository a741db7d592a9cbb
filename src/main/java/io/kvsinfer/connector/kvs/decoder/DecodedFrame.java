package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/**
 * A frame the decoder converted to BGR24. The pixel buffer belongs to the decoder: it is valid until
 * the next call to {@link FragmentDecoder#next} and is then overwritten, unless the frame is
 * {@linkplain #hold() held}.
 */
@Internal
public interface DecodedFrame {

    /** Position in the fragment in decoder output order (presentation order), counting frames the sampler rejected. */
    int indexInFragment();

    /** Presentation time minus that of the fragment's first frame, in milliseconds. */
    long offsetMillis();

    boolean keyFrame();

    /** Output width (after scaling). */
    int width();

    /** Output height (after scaling). */
    int height();

    /** Bytes from one row to the next in {@link #buffer()}, at least {@code 3 * width}. */
    int stride();

    /** BGR24 pixels, {@link #stride()} bytes a row; read-only, positioned at the first pixel. */
    ByteBuffer buffer();

    /** A packed copy ({@code 3 * width * height} bytes, no row padding). */
    byte[] toBgrArray();

    /** Packs the pixels into {@code out}, which must hold exactly {@code 3 * width * height} bytes. */
    void copyBgrTo(byte[] out);

    /** Size of the frame as the stream carries it, before scaling. */
    int sourceWidth();

    int sourceHeight();

    /**
     * Keeps these pixels valid past the next {@link FragmentDecoder#next} until the returned frame is
     * released. A decoder lets a few frames be held at once; see {@link FragmentDecoder#canHoldFrame()}.
     */
    HeldFrame hold();
}
