package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.nio.ByteBuffer;

/**
 * The {@link DecodedFrame} a {@link FragmentDecoder} hands out, refilled on every frame, whose
 * pixels its {@link PictureConverter} converts when first read; {@link #hold()} returns an
 * unchanging copy that keeps the converted output buffer until released.
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

    /** Converts this frame's pixels when read; null for a held copy. */
    @Nullable private final PictureConverter converter;

    /** A held copy's pixels; null once released, and for the decoder's own frame. */
    @Nullable private OutputBuffers.Buffer output;

    ConvertedFrame(PictureFormat format, PictureConverter converter) {
        this.format = format;
        this.converter = converter;
    }

    private ConvertedFrame(PictureFormat format, OutputBuffers.Buffer output) {
        this.format = format;
        this.converter = null;
        this.output = output;
    }

    void set(
            long fragmentTag,
            int indexInFragment,
            long offsetMillis,
            boolean keyFrame,
            int sourceWidth,
            int sourceHeight,
            int width,
            int height) {
        this.fragmentTag = fragmentTag;
        this.indexInFragment = indexInFragment;
        this.offsetMillis = offsetMillis;
        this.keyFrame = keyFrame;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.width = width;
        this.height = height;
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

    @Override
    public void copyPackedTo(byte[] out) {
        PackedRows.checkLength(format, width, height, format.bytesPerPixel(), out);
        if (converter != null) {
            converter.packInto(out);
        } else {
            output().packInto(out);
        }
    }

    private OutputBuffers.Buffer output() {
        if (converter != null) {
            return converter.output();
        }
        OutputBuffers.Buffer current = output;
        if (current == null) {
            throw new IllegalStateException(
                    "frame " + indexInFragment + " was released; its pixels are gone");
        }
        return current;
    }

    @Override
    public HeldFrame hold() {
        if (converter == null) {
            return this;
        }
        OutputBuffers.Buffer kept = converter.output().keepable();
        kept.hold();
        ConvertedFrame copy = new ConvertedFrame(format, kept);
        copy.set(
                fragmentTag,
                indexInFragment,
                offsetMillis,
                keyFrame,
                sourceWidth,
                sourceHeight,
                width,
                height);
        return copy;
    }

    @Override
    public void release() {
        if (converter != null) {
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
