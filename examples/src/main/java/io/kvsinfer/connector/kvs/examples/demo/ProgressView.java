package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.metrics.ConnectionState;
import io.kvsinfer.connector.kvs.source.metrics.KvsSourceMetrics;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live progress lines, one per camera: frames, recent fps, lag behind live (now minus the
 * latest frame's timestamp), reconnects and connection state. On a terminal the lines are redrawn
 * in place with ANSI escapes; otherwise plain lines are printed every few seconds.
 */
final class ProgressView {

    static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private static final long FPS_WINDOW_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean ansi;
    private final long startNanos;
    private final int idWidth;
    private final Map<String, Deque<long[]>> history = new HashMap<>();
    private final Map<String, String> printedStates = new HashMap<>();
    private int drawnLines;
    private long lastPlainNanos;

    ProgressView(PrintStream out, boolean ansi, DemoRun run, long startNanos) {
        this.out = out;
        this.ansi = ansi;
        this.startNanos = startNanos;
        this.lastPlainNanos = startNanos;
        this.idWidth = run.cameras().stream().mapToInt(c -> c.id.length()).max().orElse(6);
    }

    /**
     * Called every tick: redraws on a terminal; otherwise prints the lines every few seconds, and a
     * camera's connection state whenever it changes (a reconnect should not hide between two
     * reports).
     */
    void tick(DemoRun run, long nowNanos, long nowMillis) {
        List<String> lines = lines(run, nowNanos, nowMillis);
        if (ansi) {
            redraw(lines);
            return;
        }
        String elapsed = String.format(Locale.ROOT, "[%5.1f s] ", (nowNanos - startNanos) / 1e9);
        for (DemoRun.Camera camera : run.cameras()) {
            String state = stateOf(camera, camera.snapshot(), run.maxFrames);
            String before = printedStates.put(camera.id, state);
            if (!state.equals(before) && !"starting".equals(state) && !"done".equals(state)) {
                out.println(elapsed + camera.id + " " + state);
            }
        }
        if (nowNanos - lastPlainNanos >= PLAIN_INTERVAL_NANOS) {
            lastPlainNanos = nowNanos;
            for (String line : lines) {
                out.println(elapsed + line);
            }
        }
        out.flush();
    }

    /**
     * Draws the final state on a terminal, so the last numbers stay on screen above the summary.
     */
    void finish(DemoRun run, long nowNanos, long nowMillis) {
        if (ansi) {
            redraw(lines(run, nowNanos, nowMillis));
        }
    }

    private void redraw(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        if (drawnLines > 0) {
            sb.append("\033[").append(drawnLines).append('A');
        }
        for (String line : lines) {
            sb.append('\r').append("\033[2K").append(line).append('\n');
        }
        drawnLines = lines.size();
        out.print(sb);
        out.flush();
    }

    List<String> lines(DemoRun run, long nowNanos, long nowMillis) {
        List<String> lines = new ArrayList<>();
        for (DemoRun.Camera camera : run.cameras()) {
            DemoRun.Snapshot s = camera.snapshot();
            double fps = recentFps(camera.id, s, nowNanos);
            String lag =
                    s.frames == 0
                            ? "    -  "
                            : String.format(
                                    Locale.ROOT,
                                    "%5.1f s",
                                    (nowMillis - s.lastTimestampMillis) / 1000.0);
            long reconnects = camera.metricLong(KvsSourceMetrics.RECONNECTS, 0);
            String state = stateOf(camera, s, run.maxFrames);
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-" + idWidth + "s  frames %7d  fps %5.1f  lag %s  reconnects %3d  %s",
                            camera.id,
                            s.frames,
                            fps,
                            lag,
                            reconnects,
                            state));
        }
        return lines;
    }

    static String stateOf(DemoRun.Camera camera, DemoRun.Snapshot s, long maxFrames) {
        if (s.frames >= maxFrames) {
            return "done";
        }
        long code = camera.metricLong(KvsSourceMetrics.CONNECTION_STATE, -1);
        for (ConnectionState state : ConnectionState.values()) {
            if (state.code() == code) {
                return state.name().toLowerCase(Locale.ROOT);
            }
        }
        return "starting";
    }

    /**
     * Frames per second arrived over the last ten seconds. HLS hands over a fragment (two seconds
     * of frames) at a time, so until a camera has ten seconds of history the rate of its video (by
     * frame timestamps) stands in for the arrival rate, which would be meaningless over one or two
     * bursts.
     */
    private double recentFps(String cameraId, DemoRun.Snapshot s, long nowNanos) {
        Deque<long[]> samples = history.computeIfAbsent(cameraId, k -> new ArrayDeque<>());
        samples.addLast(new long[] {nowNanos, s.frames});
        while (samples.size() > 2 && nowNanos - samples.peekFirst()[0] > FPS_WINDOW_NANOS) {
            samples.removeFirst();
        }
        if (s.frames < 2) {
            return 0;
        }
        if (nowNanos - s.firstArrivalNanos < FPS_WINDOW_NANOS) {
            return s.fps();
        }
        long[] oldest = samples.peekFirst();
        return (s.frames - oldest[1]) * 1e9 / Math.max(1, nowNanos - oldest[0]);
    }
}
