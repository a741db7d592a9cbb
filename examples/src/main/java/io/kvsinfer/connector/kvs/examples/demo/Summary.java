package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.metrics.KvsSourceMetrics;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end of a run: a table for people and, as the very last line, one line of JSON for scripts.
 */
final class Summary {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Summary() {}

    /**
     * One row per camera and a total. {@code withSpeed} adds how many seconds of video were read
     * per second (meaningful for replays, which read as fast as they can).
     */
    static List<String> table(DemoRun run, boolean withSpeed) {
        int idWidth =
                Math.max(
                        "camera".length(),
                        run.cameras().stream().mapToInt(c -> c.id.length()).max().orElse(0));
        int streamWidth =
                Math.max(
                        "stream".length(),
                        run.cameras().stream().mapToInt(c -> c.stream.length()).max().orElse(0));
        String row =
                "%-"
                        + idWidth
                        + "s  %-"
                        + streamWidth
                        + "s  %8s  %6s  %7s  %10s  %-12s  %-12s"
                        + (withSpeed ? "  %7s" : "%s");
        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                                Locale.ROOT,
                                row,
                                "camera",
                                "stream",
                                "frames",
                                "fps",
                                "lag",
                                "reconnects",
                                "first (UTC)",
                                "last (UTC)",
                                withSpeed ? "speed" : "")
                        .stripTrailing());
        long frames = 0;
        double fps = 0;
        for (DemoRun.Camera camera : run.cameras()) {
            DemoRun.Snapshot s = camera.snapshot();
            frames += s.frames;
            fps += s.fps();
            lines.add(
                    String.format(
                                    Locale.ROOT,
                                    row,
                                    camera.id,
                                    camera.stream,
                                    s.frames,
                                    String.format(Locale.ROOT, "%.1f", s.fps()),
                                    s.frames == 0
                                            ? "-"
                                            : String.format(
                                                    Locale.ROOT,
                                                    "%.1f s",
                                                    s.lastLagMillis / 1000.0),
                                    camera.metricLong(KvsSourceMetrics.RECONNECTS, 0),
                                    s.frames == 0
                                            ? "-"
                                            : TIME.format(
                                                    Instant.ofEpochMilli(s.firstTimestampMillis)),
                                    s.frames == 0
                                            ? "-"
                                            : TIME.format(
                                                    Instant.ofEpochMilli(s.lastTimestampMillis)),
                                    withSpeed ? String.format(Locale.ROOT, "%.1fx", s.speed()) : "")
                            .stripTrailing());
        }
        lines.add(
                String.format(
                                Locale.ROOT,
                                row,
                                "total",
                                "",
                                frames,
                                String.format(Locale.ROOT, "%.1f", fps),
                                "",
                                "",
                                "",
                                "",
                                "")
                        .stripTrailing());
        return lines;
    }

    /**
     * {@code {"cameras":[{"camera_id":"cam-1","frames":N,"fps":F,"read_fps":R},
     * ...],"frames_total":N, "fps_total":F,"read_fps_total":R}}: {@code fps} is the video's own
     * rate (by frame timestamps), {@code read_fps} the frames read per second of wall time (from
     * the first frame's arrival to the last's); the total reads every camera's frames over the span
     * from the first arrival to the last.
     */
    static String json(DemoRun run) {
        StringBuilder sb = new StringBuilder("{\"cameras\":[");
        double total = 0;
        long frames = 0;
        long firstArrival = Long.MAX_VALUE;
        long lastArrival = Long.MIN_VALUE;
        boolean first = true;
        for (DemoRun.Camera camera : run.cameras()) {
            DemoRun.Snapshot s = camera.snapshot();
            double fps = round(s.fps());
            total += fps;
            frames += s.frames;
            if (s.frames > 0) {
                firstArrival = Math.min(firstArrival, s.firstArrivalNanos);
                lastArrival = Math.max(lastArrival, s.lastArrivalNanos);
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"camera_id\":")
                    .append(quote(camera.id))
                    .append(",\"frames\":")
                    .append(s.frames)
                    .append(",\"fps\":")
                    .append(number(fps))
                    .append(",\"read_fps\":")
                    .append(number(round(s.readFps())))
                    .append('}');
        }
        double readTotal =
                frames < 2 || lastArrival <= firstArrival
                        ? 0
                        : (frames - 1) * 1e9 / (lastArrival - firstArrival);
        return sb.append("],\"frames_total\":")
                .append(frames)
                .append(",\"fps_total\":")
                .append(number(round(total)))
                .append(",\"read_fps_total\":")
                .append(number(round(readTotal)))
                .append('}')
                .toString();
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static String number(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.2f", d) : "0";
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
