package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.api.common.functions.MapFunction;

import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chained right after the source, in the same JVM as the benchmark: notes the end of each camera's
 * newest fragment that frames came from (its start is the frame's time minus its index over the
 * frame rate), and for the first frame of every fragment the live lag, the time from the moment the
 * fragment became available in LocalKvs (when its last frame's time has passed: its start plus its
 * duration) to that frame leaving the source.
 */
final class LiveProbe implements MapFunction<VideoFrame, VideoFrame> {
    private static final long serialVersionUID = 1L;

    private static final Map<String, AtomicLong> NEWEST = new ConcurrentHashMap<>();
    private static final AtomicLong FRAMES = new AtomicLong();
    private static volatile Recorder lag = new Recorder(3);

    private final long fragmentMillis;
    private final double fps;

    LiveProbe(long fragmentMillis, double fps) {
        this.fragmentMillis = fragmentMillis;
        this.fps = fps;
    }

    static void reset() {
        NEWEST.clear();
        FRAMES.set(0);
        lag = new Recorder(3);
    }

    @Override
    public VideoFrame map(VideoFrame frame) {
        long now = System.currentTimeMillis();
        FRAMES.incrementAndGet();
        long fragmentEnd =
                frame.getTimestampMillis()
                        - Math.round(frame.getIndexInFragment() * 1000 / fps)
                        + fragmentMillis;
        NEWEST.computeIfAbsent(frame.getCameraId(), c -> new AtomicLong())
                .accumulateAndGet(fragmentEnd, Math::max);
        if (frame.getIndexInFragment() == 0) {
            lag.recordValue(Math.max(0, now - frame.getTimestampMillis() - fragmentMillis));
        }
        return frame;
    }

    /**
     * How long ago each camera's newest fragment seen at the output ended, in ms: below one
     * fragment duration plus the lag when the camera is at the live edge, above two durations when
     * it is more than one fragment behind. Cameras without frames are absent.
     */
    static Map<String, Long> ages() {
        long now = System.currentTimeMillis();
        Map<String, Long> ages = new java.util.TreeMap<>();
        NEWEST.forEach((camera, newest) -> ages.put(camera, now - newest.get()));
        return ages;
    }

    static long frames() {
        return FRAMES.get();
    }

    /** The lag recorded since the last call (HdrHistogram's recorder swaps its histogram). */
    static org.HdrHistogram.Histogram lagSinceLastCall() {
        return lag.getIntervalHistogram();
    }
}
