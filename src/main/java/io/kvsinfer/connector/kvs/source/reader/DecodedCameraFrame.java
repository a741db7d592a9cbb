package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.DecodedFrame;
import io.kvsinfer.connector.kvs.decoder.HeldFrame;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;

/**
 * The {@link CameraFrame} a mapper sees: a decoded frame plus its camera and fragment. The fetcher
 * reuses one view for the frames it maps itself; a frame left for the task thread to map gets its
 * own view over a {@link HeldFrame}, released once mapped.
 */
@Internal
final class DecodedCameraFrame implements CameraFrame {

    private final String cameraId;
    private final String stream;
    private final PixelFormat pixelFormat;
    private DecodedFrame frame;
    private String fragmentNumber;
    private long timestampMillis;

    DecodedCameraFrame(String cameraId, String stream, PixelFormat pixelFormat) {
        this.cameraId = cameraId;
        this.stream = stream;
        this.pixelFormat = pixelFormat;
    }

    /** Points this view at the next frame; the view is reused to avoid garbage per frame. */
    DecodedCameraFrame wrap(DecodedFrame frame, String fragmentNumber, long timestampMillis) {
        this.frame = frame;
        this.fragmentNumber = fragmentNumber;
        this.timestampMillis = timestampMillis;
        return this;
    }

    /** Gives the pixels of the {@link HeldFrame} this view wraps back to the decoder. */
    void release() {
        ((HeldFrame) frame).release();
    }

    @Override
    public String cameraId() {
        return cameraId;
    }

    @Override
    public String stream() {
        return stream;
    }

    @Override
    public long timestampMillis() {
        return timestampMillis;
    }

    @Override
    public String fragmentNumber() {
        return fragmentNumber;
    }

    @Override
    public int indexInFragment() {
        return frame.indexInFragment();
    }

    @Override
    public boolean isKeyFrame() {
        return frame.keyFrame();
    }

    @Override
    public PixelFormat pixelFormat() {
        return pixelFormat;
    }

    @Override
    public int width() {
        return frame.width();
    }

    @Override
    public int height() {
        return frame.height();
    }

    @Override
    public int stride() {
        return frame.stride();
    }

    @Override
    public ByteBuffer pixels() {
        return frame.buffer();
    }

    /** Lets the decoder pack GRAY8 luma straight from its picture, without a buffer between. */
    @Override
    public void copyPackedTo(byte[] out) {
        frame.copyPackedTo(out);
    }
}
