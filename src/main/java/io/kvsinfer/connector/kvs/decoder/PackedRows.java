package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/** Packs pixel rows that a buffer holds with padding into an array without. */
@Internal
public final class PackedRows {

    private PackedRows() {}

    /**
     * Checks that {@code out} holds exactly a packed {@code width x height} frame of {@code
     * bytesPerPixel} bytes a pixel; {@code format} names the pixel format in the error.
     *
     * @throws IllegalArgumentException naming both sizes if it does not
     */
    public static void checkLength(
            Object format, int width, int height, int bytesPerPixel, byte[] out) {
        long needed = (long) bytesPerPixel * width * height;
        if (out.length != needed) {
            throw new IllegalArgumentException(
                    "A "
                            + width
                            + "x"
                            + height
                            + " "
                            + format
                            + " frame needs "
                            + needed
                            + " bytes but the array has "
                            + out.length
                            + ".");
        }
    }

    /**
     * Copies {@code height} rows of {@code rowBytes} bytes, {@code stride} bytes apart in {@code
     * source} (from its index 0), into {@code out} from its index 0.
     */
    public static void pack(ByteBuffer source, int rowBytes, int height, int stride, byte[] out) {
        if (stride == rowBytes) {
            source.get(0, out, 0, rowBytes * height);
            return;
        }
        for (int y = 0; y < height; y++) {
            source.get(y * stride, out, y * rowBytes, rowBytes);
        }
    }
}
