package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.VideoFrame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Saves a JPEG of each camera's latest frame every few seconds, keeping the newest few per camera.
 */
final class Snapshots {

    static final long INTERVAL_NANOS = 5_000_000_000L;
    static final int KEEP_PER_CAMERA = 50;
    private static final java.util.regex.Pattern SNAPSHOT_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9._-]+-\\d{8}-\\d{6}-\\d{3}\\.jpg");

    private final Path dir;
    private final Map<String, Saved> saved = new HashMap<>();
    private int written;

    private static final class Saved {
        long atNanos;
        long timestampMillis = Long.MIN_VALUE;
        final Deque<Path> files = new ArrayDeque<>();
    }

    Snapshots(Path dir) {
        this.dir = dir;
    }

    /**
     * Deletes the snapshots an earlier run left (files named as {@link Pictures#snapshotName} makes
     * them).
     */
    void clearEarlierRuns() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (SNAPSHOT_NAME.matcher(file.getFileName().toString()).matches()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    Path dir() {
        return dir;
    }

    int written() {
        return written;
    }

    /**
     * Saves the cameras whose last snapshot is old enough (or all with a new frame, if {@code
     * force}).
     */
    void save(DemoRun run, long nowNanos, boolean force) throws IOException {
        for (DemoRun.Camera camera : run.cameras()) {
            VideoFrame frame = camera.snapshot().latest;
            if (frame == null) {
                continue;
            }
            Saved s = saved.computeIfAbsent(camera.id, k -> new Saved());
            boolean due =
                    s.timestampMillis == Long.MIN_VALUE
                            || nowNanos - s.atNanos >= INTERVAL_NANOS
                            || force;
            if (!due || frame.getTimestampMillis() == s.timestampMillis) {
                continue;
            }
            Path file = dir.resolve(Pictures.snapshotName(camera.id, frame.getTimestampMillis()));
            Pictures.writeJpeg(frame, file);
            written++;
            s.atNanos = nowNanos;
            s.timestampMillis = frame.getTimestampMillis();
            s.files.addLast(file);
            while (s.files.size() > KEEP_PER_CAMERA) {
                Files.deleteIfExists(s.files.removeFirst());
            }
        }
    }
}
