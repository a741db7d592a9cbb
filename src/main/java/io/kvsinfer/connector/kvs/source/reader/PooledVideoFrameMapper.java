package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.annotation.Internal;

/**
 * The default mapper: a {@link VideoFrame} with one packed copy of the pixels, copied into an array
 * that an earlier, already emitted frame of the same size gave back. The copy runs on the task
 * thread, overlapping the next frames' decoding (see {@link RecyclingFrameMapper}). Each reader
 * deserializes its own instance, so each reader has its own pool.
 */
@Internal
public final class PooledVideoFrameMapper implements RecyclingFrameMapper<VideoFrame> {
    private static final long serialVersionUID = 1L;

    /** Enough idle arrays for a few 1080p frames per camera of a busy reader. */
    private static final long MAX_IDLE_BYTES = 64L << 20;

    private transient volatile FrameArrayPool pool;

    @Override
    public VideoFrame map(CameraFrame frame) {
        byte[] pixels = pool().take(frame.packedSize());
        frame.copyPackedTo(pixels);
        return VideoFrame.withPixels(frame, pixels);
    }

    @Override
    public void recycle(VideoFrame record) {
        pool().giveBack(record.getData());
        record.setData(null);
    }

    FrameArrayPool pool() {
        FrameArrayPool current = pool;
        if (current == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = new FrameArrayPool(MAX_IDLE_BYTES);
                }
                current = pool;
            }
        }
        return current;
    }
}
