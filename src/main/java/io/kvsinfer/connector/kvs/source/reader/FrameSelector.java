package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.config.SamplingMode;

import org.apache.flink.annotation.Internal;

/**
 * Decides, before any colour conversion, whether a decoded frame leaves the source: it must lie in
 * the requested time range, must not have been emitted before a restore, and must pass sampling.
 * Frame-rate sampling keeps the first frame of each {@code 1/fps} slot of event time, which depends
 * only on timestamps, so a restored job samples exactly the frames the failed one would have.
 */
@Internal
final class FrameSelector {

    private final SamplingMode mode;
    private final double fps;
    private final long startMillis;
    private final long stopMillis;
    private long lastEmittedMillis;
    private boolean pastStop;

    /**
     * @param startMillis frames before this are dropped (-1: none)
     * @param stopMillis frames after this are dropped and end the camera (-1: none)
     * @param lastEmittedMillis timestamp of the last emitted frame before a restore, or -1
     */
    FrameSelector(
            SamplingMode mode,
            double fps,
            long startMillis,
            long stopMillis,
            long lastEmittedMillis) {
        this.mode = mode;
        this.fps = fps;
        this.startMillis = startMillis;
        this.stopMillis = stopMillis;
        this.lastEmittedMillis = lastEmittedMillis;
    }

    /** Whether the frame at {@code timestampMillis} is emitted; records it as emitted if so. */
    boolean select(long timestampMillis, boolean keyFrame) {
        if (stopMillis >= 0 && timestampMillis > stopMillis) {
            pastStop = true;
            return false;
        }
        if (timestampMillis < startMillis) {
            return false;
        }
        if (mode == SamplingMode.KEY_FRAMES && !keyFrame) {
            return false;
        }
        if (mode == SamplingMode.FPS
                && lastEmittedMillis >= 0
                && slot(timestampMillis) <= slot(lastEmittedMillis)) {
            return false;
        }
        lastEmittedMillis = timestampMillis;
        return true;
    }

    private long slot(long timestampMillis) {
        return (long) Math.floor(timestampMillis * fps / 1000.0);
    }

    long lastEmittedMillis() {
        return lastEmittedMillis;
    }

    /** True once a frame after the stopping timestamp was seen: the bounded read is complete. */
    boolean isPastStop() {
        return pastStop;
    }
}
