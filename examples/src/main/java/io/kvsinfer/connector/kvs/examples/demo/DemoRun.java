package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.VideoFrame;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the console shows of one demo run, shared in this JVM between the Flink job (the {@link
 * ProgressSink} and the {@link DemoMetricsReporter}, which run in the local MiniCluster inside the
 * same process) and the demo's console thread. Runs are looked up by id, so the serializable sink
 * and the reporter's configuration carry only a string.
 */
final class DemoRun implements AutoCloseable {

    private static final Map<String, DemoRun> RUNS = new ConcurrentHashMap<>();

    final String id = UUID.randomUUID().toString();
    final long maxFrames;
    private final Map<String, Camera> cameras = new LinkedHashMap<>();

    DemoRun(Map<String, String> camerasToStreams, long maxFrames) {
        this.maxFrames = maxFrames <= 0 ? Long.MAX_VALUE : maxFrames;
        camerasToStreams.forEach(
                (id, stream) -> cameras.put(id, new Camera(id, stream, this.maxFrames)));
        RUNS.put(id, this);
    }

    /** The run with this id, or null once it is closed. */
    static DemoRun get(String id) {
        return RUNS.get(id);
    }

    Camera camera(String cameraId) {
        return cameras.get(cameraId);
    }

    Collection<Camera> cameras() {
        return cameras.values();
    }

    boolean allReachedMaxFrames() {
        return maxFrames != Long.MAX_VALUE
                && cameras.values().stream().allMatch(c -> c.snapshot().frames >= maxFrames);
    }

    @Override
    public void close() {
        RUNS.remove(id);
    }

    /**
     * One camera's progress: frames from the sink, reconnects and connection state from the
     * metrics.
     */
    static final class Camera {
        final String id;
        final String stream;
        private final long maxFrames;
        private final Map<String, Supplier<Object>> metrics = new ConcurrentHashMap<>();

        private long frames;
        private long firstArrivalNanos;
        private long lastArrivalNanos;
        private long firstTimestampMillis = -1;
        private long lastTimestampMillis = -1;
        private long lastLagMillis;
        private VideoFrame latest;
        private long latestCopiedNanos;

        Camera(String id, String stream, long maxFrames) {
            this.id = id;
            this.stream = stream;
            this.maxFrames = maxFrames;
        }

        /** Counts a frame that arrived at the sink; frames past --max-frames are ignored. */
        synchronized void frameArrived(VideoFrame frame, long nowMillis, long nowNanos) {
            if (frames >= maxFrames) {
                return;
            }
            if (frames == 0) {
                firstArrivalNanos = nowNanos;
                firstTimestampMillis = frame.getTimestampMillis();
            }
            frames++;
            lastArrivalNanos = nowNanos;
            lastTimestampMillis = frame.getTimestampMillis();
            lastLagMillis = nowMillis - frame.getTimestampMillis();
            // With object reuse the source recycles a frame's pixels once the sink returns: keep a
            // copy, a few times a second (snapshots are taken every few seconds).
            if (latest == null || nowNanos - latestCopiedNanos >= 250_000_000L) {
                latest = frame.copy();
                latestCopiedNanos = nowNanos;
            }
        }

        void metric(String name, Supplier<Object> value) {
            metrics.put(name, value);
        }

        /**
         * Keeps the last value of a metric Flink removed (the camera finished or the job ended).
         */
        void freezeMetric(String name) {
            Supplier<Object> current = metrics.get(name);
            if (current != null) {
                Object last = current.get();
                metrics.put(name, () -> last);
            }
        }

        /**
         * Whether the source's metrics of this camera reached the demo (through {@link
         * DemoMetricsReporter}).
         */
        boolean hasMetrics() {
            return !metrics.isEmpty();
        }

        long metricLong(String name, long fallback) {
            Supplier<Object> value = metrics.get(name);
            Object v = value == null ? null : value.get();
            return v instanceof Number ? ((Number) v).longValue() : fallback;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(
                    frames,
                    firstArrivalNanos,
                    lastArrivalNanos,
                    firstTimestampMillis,
                    lastTimestampMillis,
                    lastLagMillis,
                    latest);
        }
    }

    /** A consistent copy of a camera's counters. */
    static final class Snapshot {
        final long frames;
        final long firstArrivalNanos;
        final long lastArrivalNanos;
        final long firstTimestampMillis;
        final long lastTimestampMillis;
        final long lastLagMillis;
        final VideoFrame latest;

        Snapshot(
                long frames,
                long firstArrivalNanos,
                long lastArrivalNanos,
                long firstTimestampMillis,
                long lastTimestampMillis,
                long lastLagMillis,
                VideoFrame latest) {
            this.frames = frames;
            this.firstArrivalNanos = firstArrivalNanos;
            this.lastArrivalNanos = lastArrivalNanos;
            this.firstTimestampMillis = firstTimestampMillis;
            this.lastTimestampMillis = lastTimestampMillis;
            this.lastLagMillis = lastLagMillis;
            this.latest = latest;
        }

        /**
         * Frames per second from the camera's first frame to its last, by the frames' timestamps:
         * the rate the job received video at, start-up excluded. (Wall-clock arrival would mislead
         * on short live runs: HLS delivers a whole fragment, two seconds of frames, at once.)
         */
        double fps() {
            long span = lastTimestampMillis - firstTimestampMillis;
            return frames < 2 || span <= 0 ? 0 : (frames - 1) * 1000.0 / span;
        }

        /**
         * Frames per second of wall-clock time between the first and the last frame's arrival: how
         * fast the job read, the number to compare with another reader of the same video.
         */
        double readFps() {
            long arrival = lastArrivalNanos - firstArrivalNanos;
            return frames < 2 || arrival <= 0 ? 0 : (frames - 1) * 1e9 / arrival;
        }

        /**
         * Seconds of video per wall-clock second between the first and the last frame's arrival.
         */
        double speed() {
            long arrival = lastArrivalNanos - firstArrivalNanos;
            long video = lastTimestampMillis - firstTimestampMillis;
            return frames < 2 || arrival <= 0 ? 0 : video * 1e6 / arrival;
        }
    }
}
