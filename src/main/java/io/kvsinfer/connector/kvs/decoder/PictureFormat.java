package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

/** The packed 8-bit layout decoded pictures are converted to. */
@Internal
public enum PictureFormat {
    /** Blue, green, red. */
    BGR24(3),
    /** Red, green, blue. */
    RGB24(3),
    /** The luma plane as coded, without colour conversion. */
    GRAY8(1);

    private final int bytesPerPixel;

    PictureFormat(int bytesPerPixel) {
        this.bytesPerPixel = bytesPerPixel;
    }

    /** Bytes each pixel takes in a packed row. */
    public int bytesPerPixel() {
        return bytesPerPixel;
    }
}
