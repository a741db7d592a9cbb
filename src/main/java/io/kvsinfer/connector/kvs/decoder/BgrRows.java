package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/** Packs BGR24 rows that a buffer holds with padding into an array without. */
@Internal
public final class BgrRows {

    private BgrRows() {}

    /**
     * Copies {@code height} rows of {@code 3 * width} bytes, {@code stride} bytes apart in {@code
     * source} (from its index 0), into {@code out}, which must hold exactly {@code 3 * width * height}.
     */
    public static void pack(ByteBuffer source, int width, int height, int stride, byte[] out) {
        int rowBytes = 3 * width;
        if (out.length != rowBytes * height) {
            throw new IllegalArgumentException("A " + width + "x" + height + " BGR24 frame needs " + rowBytes * height
                    + " bytes but the array has " + out.length + ".");
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
