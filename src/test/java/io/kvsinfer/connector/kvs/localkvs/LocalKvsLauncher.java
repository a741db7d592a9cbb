package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the standalone command line and starts a LocalKvs with one live camera per stream. The
 * media comes through {@link MediaFactory}, so this class does not depend on how media is made.
 *
 * <pre>
 * --port 4566 --streams cam-1,cam-2 [--size 1280x720] [--fps 15] [--audio on] [--file clip.mp4]
 *     [--host 127.0.0.1]
 * </pre>
 */
@Internal
public final class LocalKvsLauncher {

    /** Makes the media the live cameras loop over. */
    public interface MediaFactory {
        /** A synthetic camera: real H.264 at this size and rate. */
        FragmentedMedia synthetic(int width, int height, int fps);

        /**
         * A synthetic camera with a microphone: AAC audio beside the video (track 2). Factories
         * that cannot make audio refuse it.
         */
        default FragmentedMedia synthetic(int width, int height, int fps, boolean audio) {
            if (audio) {
                throw new IllegalArgumentException("this media factory makes no audio");
            }
            return synthetic(width, height, fps);
        }

        /** A user's video file, looped. */
        FragmentedMedia file(Path path);
    }

    /** The parsed command line. */
    public record Options(
            String host,
            int port,
            List<String> streams,
            int width,
            int height,
            int fps,
            Path file,
            boolean audio) {

        /** The options without audio. */
        public Options(
                String host,
                int port,
                List<String> streams,
                int width,
                int height,
                int fps,
                Path file) {
            this(host, port, streams, width, height, fps, file, false);
        }
    }

    static final String USAGE =
            "usage: local-kvs [--port 4566] [--streams cam-1,cam-2] [--size 1280x720] [--fps 15]"
                    + " [--audio on|off] [--file clip.mp4] [--host 127.0.0.1]";

    private LocalKvsLauncher() {}

    public static Options parse(String[] args) {
        String host = "127.0.0.1";
        int port = 4566;
        List<String> streams = List.of("cam-1");
        int width = 1280;
        int height = 720;
        int fps = 15;
        Path file = null;
        boolean audio = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            Preconditions.checkArgument(i + 1 < args.length, "%s needs a value. %s", flag, USAGE);
            String value = args[++i];
            switch (flag) {
                case "--host":
                    host = value;
                    break;
                case "--port":
                    port = parseInt(flag, value, 0, 65535);
                    break;
                case "--streams":
                    streams = new ArrayList<>(Arrays.asList(value.split(",")));
                    streams.removeIf(String::isBlank);
                    Preconditions.checkArgument(
                            !streams.isEmpty(),
                            "--streams must name at least one stream but was '%s'.",
                            value);
                    break;
                case "--size":
                    String[] wh = value.split("x");
                    Preconditions.checkArgument(
                            wh.length == 2, "--size must look like 1280x720 but was '%s'.", value);
                    width = parseInt("--size width", wh[0], 16, 7680);
                    height = parseInt("--size height", wh[1], 16, 4320);
                    break;
                case "--fps":
                    fps = parseInt(flag, value, 1, 120);
                    break;
                case "--audio":
                    Preconditions.checkArgument(
                            value.equals("on") || value.equals("off"),
                            "--audio must be on or off but was '%s'.",
                            value);
                    audio = value.equals("on");
                    break;
                case "--file":
                    file = Path.of(value);
                    Preconditions.checkArgument(
                            Files.isReadable(file),
                            "--file must be a readable file but was '%s'.",
                            value);
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option '" + flag + "'. " + USAGE);
            }
        }
        Preconditions.checkArgument(
                !(audio && file != null),
                "--audio on makes a synthetic camera with audio; it cannot go with --file.");
        return new Options(host, port, List.copyOf(streams), width, height, fps, file, audio);
    }

    private static int parseInt(String flag, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    flag
                            + " must be a number from "
                            + min
                            + " to "
                            + max
                            + " but was '"
                            + value
                            + "'.");
        }
        Preconditions.checkArgument(
                parsed >= min && parsed <= max,
                "%s must be %s to %s but was %s.",
                flag,
                min,
                max,
                parsed);
        return parsed;
    }

    /** Starts LocalKvs with a live camera on every stream; the caller closes it. */
    public static LocalKvs start(Options options, MediaFactory factory) {
        FragmentedMedia media =
                options.file() != null
                        ? factory.file(options.file())
                        : factory.synthetic(
                                options.width(), options.height(), options.fps(), options.audio());
        LocalKvs kvs = LocalKvs.builder().host(options.host()).port(options.port()).build();
        for (String stream : options.streams()) {
            kvs.createStream(stream).startLive(media);
        }
        return kvs.start();
    }
}
