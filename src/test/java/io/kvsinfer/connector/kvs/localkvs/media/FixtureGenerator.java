package io.kvsinfer.connector.kvs.localkvs.media;

import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the file fixtures under {@code src/test/resources/fixtures/}: the synthetic camera's
 * picture at 320x240 and 15 fps with each frame's index in the pixels, encoded by a GPL ffmpeg
 * (Debian's, with libx265 and libx264), which the LGPL FFmpeg bundled with JavaCV lacks. Run once
 * by hand; the outputs are committed so that tests and CI need no ffmpeg. Closed GOPs, 90 frames:
 *
 * <ul>
 *   <li>{@code h265-320x240-15fps.mp4}: libx265, CRF 28, a key frame every 30 frames with scene-cut
 *       off, closed GOPs (so every fragment decodes alone), 3 B-frames (so composition offsets are
 *       exercised), tag hvc1.
 *   <li>{@code h264-bframes-320x240-15fps.mkv}: libx264 High profile with 3 B-frames in Matroska,
 *       same GOP: the B-frame H.264 that openh264 cannot make, in a third container.
 * </ul>
 *
 * <p>Encoders as a user's camera or a tool leaves them, 150 frames (10 s), so that fragments depend
 * on each other (issue #18):
 *
 * <ul>
 *   <li>{@code h265-opengop-320x240-15fps.mp4}: libx265 at its defaults (open GOP, 4 B-frames,
 *       B-pyramid, scene cut) except a key frame every 30 frames, so each fragment starts with a
 *       CRA whose leading pictures reference the fragment before.
 *   <li>{@code h264-opengop-320x240-15fps.mp4}: libx264 at its defaults (3 B-frames, B-pyramid)
 *       with {@code open-gop=1} and a key frame every 30 frames: non-IDR I frames with a recovery
 *       point.
 *   <li>{@code h264-defaults-320x240-15fps.mp4}: libx264 at its defaults, which put one key frame
 *       at the start of these 10 s: cut by duration, every later fragment starts mid-GOP and holds
 *       no key frame at all.
 * </ul>
 *
 * <pre>java -cp target/test-classes:target/classes:&lt;test classpath&gt; \
 *   io.kvsinfer.connector.kvs.localkvs.media.FixtureGenerator [fixtures dir] [ffmpeg]</pre>
 */
public final class FixtureGenerator {

    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int FPS = 15;
    static final int FRAMES = 90;

    /** Frames of the fixtures whose fragments depend on each other. */
    static final int OPEN_GOP_FRAMES = 150;

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "src/test/resources/fixtures");
        String ffmpeg = args.length > 1 ? args[1] : "/usr/bin/ffmpeg";
        boolean openGopOnly = args.length > 2 && args[2].equals("open-gop");
        if (!openGopOnly) {
            closedGops(dir, ffmpeg);
        }
        encode(
                ffmpeg,
                dir.resolve("h265-opengop-320x240-15fps.mp4"),
                OPEN_GOP_FRAMES,
                List.of(
                        "-c:v",
                        "libx265",
                        "-x265-params",
                        "keyint=30:min-keyint=30:log-level=error",
                        "-tag:v",
                        "hvc1"));
        encode(
                ffmpeg,
                dir.resolve("h264-opengop-320x240-15fps.mp4"),
                OPEN_GOP_FRAMES,
                List.of("-c:v", "libx264", "-x264-params", "keyint=30:min-keyint=30:open-gop=1"));
        encode(
                ffmpeg,
                dir.resolve("h264-defaults-320x240-15fps.mp4"),
                OPEN_GOP_FRAMES,
                List.of("-c:v", "libx264"));
    }

    private static void closedGops(Path dir, String ffmpeg) throws Exception {
        encode(
                ffmpeg,
                dir.resolve("h265-320x240-15fps.mp4"),
                FRAMES,
                List.of(
                        "-c:v",
                        "libx265",
                        "-preset",
                        "medium",
                        "-crf",
                        "28",
                        "-x265-params",
                        "keyint=30:min-keyint=30:scenecut=0:open-gop=0:bframes=3:log-level=error",
                        "-tag:v",
                        "hvc1",
                        "-movflags",
                        "+faststart"));
        encode(
                ffmpeg,
                dir.resolve("h264-bframes-320x240-15fps.mkv"),
                FRAMES,
                List.of(
                        "-c:v",
                        "libx264",
                        "-profile:v",
                        "high",
                        "-crf",
                        "26",
                        "-bf",
                        "3",
                        "-g",
                        "30",
                        "-keyint_min",
                        "30",
                        "-sc_threshold",
                        "0"));
    }

    private static void encode(String ffmpeg, Path out, int frames, List<String> codecArgs)
            throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ffmpeg,
                                "-y",
                                "-hide_banner",
                                "-loglevel",
                                "error",
                                "-f",
                                "rawvideo",
                                "-pix_fmt",
                                "bgr24",
                                "-s",
                                WIDTH + "x" + HEIGHT,
                                "-r",
                                Integer.toString(FPS),
                                "-i",
                                "-",
                                "-pix_fmt",
                                "yuv420p"));
        command.addAll(codecArgs);
        command.add(out.toString());
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        byte[] bgr = new byte[WIDTH * HEIGHT * 3];
        try (OutputStream stdin = process.getOutputStream()) {
            for (int i = 0; i < frames; i++) {
                SyntheticCamera.render(bgr, WIDTH, HEIGHT, i);
                stdin.write(bgr);
            }
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("ffmpeg exited with " + exit + " making " + out);
        }
        System.out.println("wrote " + out);
    }
}
