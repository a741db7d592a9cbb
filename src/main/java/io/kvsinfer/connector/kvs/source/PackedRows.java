package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.source.config.PixelFormat;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/** Packs pixel rows that a buffer holds with padding into an array without. */
@Internal
final class PackedRows {

    private PackedRows() {}

    /**
     * Copies {@code height} rows of {@code width * format.bytesPerPixel()} bytes, {@code stride}
     * bytes apart in {@code source} (from its index 0), into {@code out}, which must hold exactly
     * that many bytes times {@code height}.
     */
    static void pack(
            ByteBuffer source, PixelFormat format, int width, int height, int stride, byte[] out) {
        int rowBytes = format.bytesPerPixel() * width;
        if (out.length != rowBytes * height) {
            throw new IllegalArgumentException(
                    "A "
                            + width
                            + "x"
                            + height
                            + " "
                            + format
                            + " frame needs "
                            + rowBytes * height
                            + " bytes but the array has "
                            + out.length
                            + ".");
        }
        if (stride == rowBytes) {
            source.get(0, out);
            return;
        }
        for (int y = 0; y < height; y++) {
            source.get(y * stride, out, y * rowBytes, rowBytes);
        }
    }
}
