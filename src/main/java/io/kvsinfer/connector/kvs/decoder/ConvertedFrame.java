package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/**
 * The {@link DecodedFrame} a {@link FragmentDecoder} hands out, refilled on every frame; {@link
 * #hold()} returns an unchanging copy that keeps the output buffer until released.
 */
@Internal
final class ConvertedFrame implements HeldFrame {

    private final PictureFormat format;
    private long fragmentTag;
    private int indexInFragment;
    private long offsetMillis;
    private boolean keyFrame;
    private int width;
    private int height;
    private int sourceWidth;
    private int sourceHeight;
    private OutputBuffers.Buffer output;
    private boolean held;

    ConvertedFrame(PictureFormat format) {
        this.format = format;
    }

    void set(
            long fragmentTag,
            int indexInFragment,
            long offsetMillis,
            boolean keyFrame,
            int sourceWidth,
            int sourceHeight,
            int width,
            int height,
            OutputBuffers.Buffer output) {
        this.fragmentTag = fragmentTag;
        this.indexInFragment = indexInFragment;
        this.offsetMillis = offsetMillis;
        this.keyFrame = keyFrame;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.width = width;
        this.height = height;
        this.output = output;
    }

    @Override
    public PictureFormat pictureFormat() {
        return format;
    }

    @Override
    public long fragmentTag() {
        return fragmentTag;
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
        return output().stride;
    }

    @Override
    public ByteBuffer buffer() {
        // A fresh view each time, so that one reader moving the position cannot confuse the next.
        return output().readOnlyPixels.duplicate().clear();
    }

    @Override
    public int sourceWidth() {
        return sourceWidth;
    }

    @Override
    public int sourceHeight() {
        return sourceHeight;
    }

    private OutputBuffers.Buffer output() {
        OutputBuffers.Buffer current = output;
        if (current == null) {
            throw new IllegalStateException(
                    "frame " + indexInFragment + " was released; its pixels are gone");
        }
        return current;
    }

    @Override
    public HeldFrame hold() {
        if (held) {
            return this;
        }
        OutputBuffers.Buffer kept = output.keepable();
        kept.hold();
        ConvertedFrame copy = new ConvertedFrame(format);
        copy.set(
                fragmentTag,
                indexInFragment,
                offsetMillis,
                keyFrame,
                sourceWidth,
                sourceHeight,
                width,
                height,
                kept);
        copy.held = true;
        return copy;
    }

    @Override
    public void release() {
        if (!held) {
            throw new IllegalStateException(
                    "release() a frame returned by hold(), not the decoder's own frame");
        }
        synchronized (this) {
            if (output != null) {
                output.release();
                output = null;
            }
        }
    }

    @Override
    public String toString() {
        return "ConvertedFrame{"
                + format
                + ", index="
                + indexInFragment
                + ", offset="
                + offsetMillis
                + " ms, key="
                + keyFrame
                + ", "
                + width
                + "x"
                + height
                + " from "
                + sourceWidth
                + "x"
                + sourceHeight
                + "}";
    }
}
