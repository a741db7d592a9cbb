package io.kvsinfer.connector.kvs.examples.demo;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The demo's command line, parsed and checked. Every mistake is a {@link UsageException}. */
final class DemoOptions {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: examples/run-demo.sh [options]",
                    "",
                    "With no options: starts LocalKvs with three synthetic cameras and reads them"
                            + " with a Flink job.",
                    "",
                    "Streams (instead of the built-in LocalKvs):",
                    "  --stream-name NAME     read this Kinesis Video Stream (repeatable; camera id"
                            + " = NAME)",
                    "  --camera ID=STREAM     read STREAM (name or ARN) as camera ID (repeatable)",
                    "  --region REGION        AWS region of the streams (default: AWS_REGION, the"
                            + " profile, or us-east-1)",
                    "  --endpoint URL         a KVS-compatible endpoint, such as"
                            + " examples/local-kvs.sh (http://127.0.0.1:4566)",
                    "",
                    "Reading:",
                    "  --fps F                emit at most F frames per second per camera",
                    "  --keyframes-only       emit key frames only (decodes far less)",
                    "  --size WxH             scale frames to this size, e.g. 320x180",
                    "  --replay-seconds N     read the last N seconds as a bounded replay, then"
                            + " exit",
                    "  --max-frames N         stop after N frames per camera and print a summary",
                    "",
                    "Output:",
                    "  --out DIR              where snapshots and the contact sheet go (default"
                            + " target/demo)",
                    "  --help                 this text",
                    "",
                    "AWS credentials come from the default chain (environment, AWS_PROFILE, ~/.aws,"
                            + " instance role).",
                    "Ctrl-C stops the demo and prints the summary.");

    /**
     * Camera id to stream name or ARN, in command-line order; empty means the built-in LocalKvs.
     */
    final Map<String, String> cameras;

    final String region;
    final URI endpoint;
    final double fps;
    final boolean keyFramesOnly;
    final int width;
    final int height;
    final long replaySeconds;
    final long maxFrames;
    final Path outDir;
    final boolean help;

    private DemoOptions(
            Map<String, String> cameras,
            String region,
            URI endpoint,
            double fps,
            boolean keyFramesOnly,
            int width,
            int height,
            long replaySeconds,
            long maxFrames,
            Path outDir,
            boolean help) {
        this.cameras = Collections.unmodifiableMap(cameras);
        this.region = region;
        this.endpoint = endpoint;
        this.fps = fps;
        this.keyFramesOnly = keyFramesOnly;
        this.width = width;
        this.height = height;
        this.replaySeconds = replaySeconds;
        this.maxFrames = maxFrames;
        this.outDir = outDir;
        this.help = help;
    }

    /** True when the demo starts its own LocalKvs with synthetic cameras. */
    boolean builtIn() {
        return cameras.isEmpty();
    }

    boolean bounded() {
        return replaySeconds > 0;
    }

    static DemoOptions parse(String[] args) {
        Map<String, String> cameras = new LinkedHashMap<>();
        String region = null;
        URI endpoint = null;
        double fps = 0;
        boolean keyFramesOnly = false;
        int width = 0;
        int height = 0;
        long replaySeconds = 0;
        long maxFrames = 0;
        Path outDir = Path.of("target", "demo");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String inlineValue = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                inlineValue = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            switch (flag) {
                case "--help":
                case "-h":
                    return new DemoOptions(
                            cameras,
                            region,
                            endpoint,
                            fps,
                            keyFramesOnly,
                            width,
                            height,
                            replaySeconds,
                            maxFrames,
                            outDir,
                            true);
                case "--keyframes-only":
                    if (inlineValue != null) {
                        throw new UsageException("--keyframes-only takes no value.");
                    }
                    keyFramesOnly = true;
                    continue;
                default:
                    break;
            }
            String value;
            if (inlineValue != null) {
                value = inlineValue;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else if (isFlag(flag)) {
                throw new UsageException(
                        flag + " needs a value; run-demo.sh --help shows the options.");
            } else {
                throw unknown(flag);
            }
            switch (flag) {
                case "--stream-name":
                    addCamera(cameras, value, value, flag);
                    break;
                case "--camera":
                    int sep = value.indexOf('=');
                    if (sep <= 0 || sep == value.length() - 1) {
                        throw new UsageException(
                                "--camera must look like cam-1=my-stream (camera id = stream name"
                                        + " or ARN), but was '"
                                        + value
                                        + "'.");
                    }
                    addCamera(
                            cameras,
                            value.substring(0, sep).trim(),
                            value.substring(sep + 1).trim(),
                            flag);
                    break;
                case "--region":
                    if (!value.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
                        throw new UsageException(
                                "--region must be an AWS region such as us-east-1, but was '"
                                        + value
                                        + "'.");
                    }
                    region = value;
                    break;
                case "--endpoint":
                    endpoint = parseEndpoint(value);
                    break;
                case "--fps":
                    fps = parseDouble(flag, value, 1000);
                    break;
                case "--size":
                    String[] wh = value.toLowerCase(java.util.Locale.ROOT).split("x");
                    if (wh.length != 2) {
                        throw new UsageException(
                                "--size must look like 640x360 (width x height), but was '"
                                        + value
                                        + "'.");
                    }
                    width = (int) parseLong("--size width", wh[0], 16, 16384);
                    height = (int) parseLong("--size height", wh[1], 16, 16384);
                    break;
                case "--replay-seconds":
                    replaySeconds = parseLong(flag, value, 1, 7 * 24 * 3600);
                    break;
                case "--max-frames":
                    maxFrames = parseLong(flag, value, 1, Long.MAX_VALUE / 2);
                    break;
                case "--out":
                    if (value.isBlank()) {
                        throw new UsageException("--out must name a directory.");
                    }
                    outDir = Path.of(value);
                    break;
                default:
                    throw unknown(flag);
            }
        }
        if (fps > 0 && keyFramesOnly) {
            throw new UsageException(
                    "--fps and --keyframes-only exclude each other; use one of them.");
        }
        if (cameras.isEmpty() && (region != null || endpoint != null)) {
            throw new UsageException(
                    (region != null ? "--region" : "--endpoint")
                            + " needs the streams to read: add --stream-name NAME or --camera"
                            + " ID=STREAM.");
        }
        return new DemoOptions(
                cameras,
                region,
                endpoint,
                fps,
                keyFramesOnly,
                width,
                height,
                replaySeconds,
                maxFrames,
                outDir,
                false);
    }

    private static boolean isFlag(String flag) {
        switch (flag) {
            case "--stream-name":
            case "--camera":
            case "--region":
            case "--endpoint":
            case "--fps":
            case "--size":
            case "--replay-seconds":
            case "--max-frames":
            case "--out":
                return true;
            default:
                return false;
        }
    }

    private static UsageException unknown(String flag) {
        return new UsageException(
                "Unknown option '" + flag + "'; run-demo.sh --help shows the options.");
    }

    private static void addCamera(
            Map<String, String> cameras, String id, String stream, String flag) {
        if (id.isEmpty() || stream.isEmpty()) {
            throw new UsageException(flag + " needs a stream name, but was empty.");
        }
        if (cameras.containsKey(id)) {
            throw new UsageException(
                    "Camera '"
                            + id
                            + "' is given twice; give each stream once or name the cameras"
                            + " with --camera ID=STREAM.");
        }
        cameras.put(id, stream);
    }

    private static URI parseEndpoint(String value) {
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme())
                        || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new UsageException(
                    "--endpoint must be a URL such as http://127.0.0.1:4566, but was '"
                            + value
                            + "'.");
        }
        return uri;
    }

    private static double parseDouble(String flag, String value, double max) {
        double parsed;
        try {
            parsed = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            parsed = Double.NaN;
        }
        if (!(parsed > 0 && parsed <= max)) {
            throw new UsageException(
                    flag
                            + " must be a number above 0 and at most "
                            + fmt(max)
                            + ", but was '"
                            + value
                            + "'.");
        }
        return parsed;
    }

    private static long parseLong(String flag, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a whole number, but was '" + value + "'.");
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(
                    flag
                            + " must be "
                            + (max == Long.MAX_VALUE / 2
                                    ? "at least " + min
                                    : "from " + min + " to " + max)
                            + ", but was "
                            + parsed
                            + ".");
        }
        return parsed;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A mistake on the command line; the message is the one sentence the user sees. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
