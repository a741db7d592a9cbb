package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/**
 * A decoded frame in the decoder's output {@link PictureFormat}, converted when its pixels are
 * first read. The pixels belong to the decoder: they can be read until the next call to {@link
 * FragmentDecoder#next}, and a buffer read before is then overwritten, unless the frame is
 * {@linkplain #hold() held}.
 */
@Internal
public interface DecodedFrame {

    PictureFormat pictureFormat();

    /**
     * The fragment whose packet carried the frame: the tag {@link FragmentDecoder#openInStream}
     * returned for it (stand-alone fragments have tags too).
     */
    long fragmentTag();

    /**
     * Position in its fragment in decoder output order (presentation order), counting frames the
     * sampler rejected.
     */
    int indexInFragment();

    /**
     * Presentation time minus that of its fragment's earliest presented packet, in milliseconds.
     */
    long offsetMillis();

    boolean keyFrame();

    /** Output width (after scaling). */
    int width();

    /** Output height (after scaling). */
    int height();

    /**
     * Bytes from one row to the next in {@link #buffer()}, at least width times bytes per pixel.
     */
    int stride();

    /** The pixels, {@link #stride()} bytes a row; read-only, positioned at the first pixel. */
    ByteBuffer buffer();

    /**
     * Packs the pixels into {@code out} ({@code width * height * bytesPerPixel} bytes, no row
     * padding), converting them first if nothing read them yet; GRAY8 luma at the stream's size
     * comes straight from the decoder's picture.
     *
     * @throws IllegalArgumentException if {@code out} has another length
     */
    void copyPackedTo(byte[] out);

    /** Size of the frame as the stream carries it, before scaling. */
    int sourceWidth();

    int sourceHeight();

    /**
     * Keeps these pixels valid past the next {@link FragmentDecoder#next} until the returned frame
     * is released. A decoder lets a few frames be held at once; see {@link
     * FragmentDecoder#canHoldFrame()}.
     */
    HeldFrame hold();
}
