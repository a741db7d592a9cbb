package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;

import java.nio.ByteBuffer;

/** Reads the index the synthetic camera drew into a frame, without copying the frame. */
public final class PixelIndexMapper implements FrameMapper<FrameKey> {
    private static final long serialVersionUID = 1L;

    @Override
    public FrameKey map(CameraFrame frame) {
        int index =
                FrameIndexCode.read(
                                frame.pixels(),
                                frame.pixelFormat().bytesPerPixel(),
                                frame.width(),
                                frame.height(),
                                frame.stride())
                        .orElse(-1);
        return new FrameKey(
                frame.cameraId(), frame.timestampMillis(), index, frame.width(), frame.height());
    }

    /** The same for a {@link VideoFrame} that carries a packed copy of the pixels. */
    public static FrameKey of(VideoFrame frame) {
        PixelFormat format = PixelFormat.valueOf(frame.getPixelFormat());
        int stride = format.bytesPerPixel() * frame.getWidth();
        if (frame.getData().length != stride * frame.getHeight()) {
            throw new IllegalStateException(
                    frame.getPixelFormat()
                            + " frame "
                            + frame.getWidth()
                            + "x"
                            + frame.getHeight()
                            + " carries "
                            + frame.getData().length
                            + " bytes");
        }
        int index =
                FrameIndexCode.read(
                                ByteBuffer.wrap(frame.getData()),
                                format.bytesPerPixel(),
                                frame.getWidth(),
                                frame.getHeight(),
                                stride)
                        .orElse(-1);
        return new FrameKey(
                frame.getCameraId(),
                frame.getTimestampMillis(),
                index,
                frame.getWidth(),
                frame.getHeight());
    }
}
