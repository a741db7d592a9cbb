package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/** The {@link DecodedFrame} a {@link FragmentDecoder} hands out, refilled on every frame. */
@Internal
final class BgrFrame implements DecodedFrame {

    private int indexInFragment;
    private long offsetMillis;
    private boolean keyFrame;
    private int width;
    private int height;
    private int stride;
    private int sourceWidth;
    private int sourceHeight;
    private ByteBuffer pixels;

    void set(int indexInFragment, long offsetMillis, boolean keyFrame, int sourceWidth, int sourceHeight,
            int width, int height, int stride, ByteBuffer pixels) {
        this.indexInFragment = indexInFragment;
        this.offsetMillis = offsetMillis;
        this.keyFrame = keyFrame;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.width = width;
        this.height = height;
        this.stride = stride;
        this.pixels = pixels;
    }

    @Override
    public int indexInFragment() {
        return indexInFragment;
    }

    @Override
    public long offsetMillis() {
        return offsetMillis;
    }

    @Override
    public boolean keyFrame() {
        return keyFrame;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int stride() {
        return stride;
    }

    @Override
    public ByteBuffer buffer() {
        // A fresh view each time, so that one reader moving the position cannot confuse the next.
        return pixels.duplicate().clear();
    }

    @Override
    public byte[] toBgrArray() {
        byte[] out = new byte[3 * width * height];
        copyBgrTo(out);
        return out;
    }

    @Override
    public void copyBgrTo(byte[] out) {
        int rowBytes = 3 * width;
        if (out.length != rowBytes * height) {
            throw new IllegalArgumentException("A " + width + "x" + height + " BGR24 frame needs " + rowBytes * height
                    + " bytes but the array has " + out.length + ".");
        }
        ByteBuffer source = pixels.duplicate();
        if (stride == rowBytes) {
            source.position(0).get(out);
            return;
        }
        for (int y = 0; y < height; y++) {
            source.position(y * stride);
            source.get(out, y * rowBytes, rowBytes);
        }
    }

    @Override
    public int sourceWidth() {
        return sourceWidth;
    }

    @Override
    public int sourceHeight() {
        return sourceHeight;
    }

    @Override
    public String toString() {
        return "BgrFrame{index=" + indexInFragment + ", offset=" + offsetMillis + " ms, key=" + keyFrame
                + ", " + width + "x" + height + " from " + sourceWidth + "x" + sourceHeight + "}";
    }
}
