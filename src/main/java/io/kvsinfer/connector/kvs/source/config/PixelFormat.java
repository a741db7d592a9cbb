package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;

/**
 * How the source hands out a frame's pixels: packed rows of 8-bit samples, no padding between
 * pixels. The colour conversion runs once, in FFmpeg, right after decoding.
 */
@PublicEvolving
public enum PixelFormat {
    /** Blue, green, red, one byte each, full range: OpenCV's order. The default. */
    BGR24(3),
    /** Red, green, blue, one byte each, full range: the order of PIL and most tensor libraries. */
    RGB24(3),
    /**
     * The decoded picture's luma (Y) as the stream codes it, one byte a pixel, without any colour
     * conversion: most cameras code limited range, black at 16 and white at 235; streams that
     * declare full range give 0 to 255. The cheapest format: no conversion, a third of BGR24's
     * bytes.
     */
    GRAY8(1);

    private final int bytesPerPixel;

    PixelFormat(int bytesPerPixel) {
        this.bytesPerPixel = bytesPerPixel;
    }

    /** Bytes each pixel takes in a packed row. */
    public int bytesPerPixel() {
        return bytesPerPixel;
    }
}
