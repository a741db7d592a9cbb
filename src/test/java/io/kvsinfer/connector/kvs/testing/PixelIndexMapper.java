package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.VideoFrame;

/** Reads the index the synthetic camera drew into a frame, without copying the frame. */
public final class PixelIndexMapper implements FrameMapper<FrameKey> {
    private static final long serialVersionUID = 1L;

    @Override
    public FrameKey map(CameraFrame frame) {
        int index = FrameIndexCode.read(frame.pixels(), frame.width(), frame.height(), frame.stride()).orElse(-1);
        return new FrameKey(frame.cameraId(), frame.timestampMillis(), index, frame.width(), frame.height());
    }

    /** The same for a {@link VideoFrame} that carries a packed copy of the pixels. */
    public static FrameKey of(VideoFrame frame) {
        int index = FrameIndexCode.read(frame.getData(), frame.getWidth(), frame.getHeight(), 3 * frame.getWidth()).orElse(-1);
        return new FrameKey(frame.getCameraId(), frame.getTimestampMillis(), index, frame.getWidth(), frame.getHeight());
    }
}
