package io.kvsinfer.connector.kvs.localkvs.media;

import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the file fixtures under {@code src/test/resources/fixtures/}: 90 frames (6 s at 15 fps,
 * 320x240) of the synthetic camera's picture, indices 0..89 in the pixels, encoded by a GPL ffmpeg
 * (Debian's, with libx265 and libx264), which the LGPL FFmpeg bundled with JavaCV lacks. Run once
 * by hand; the outputs are committed so that tests and CI need no ffmpeg.
 *
 * <ul>
 *   <li>{@code h265-320x240-15fps.mp4}: libx265, CRF 28, a key frame every 30 frames with scene-cut
 *       off, closed GOPs (so every fragment decodes alone), 3 B-frames (so composition offsets are
 *       exercised), tag hvc1.
 *   <li>{@code h264-bframes-320x240-15fps.mkv}: libx264 High profile with 3 B-frames in Matroska,
 *       same GOP: the B-frame H.264 that openh264 cannot make, in a third container.
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

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "src/test/resources/fixtures");
        String ffmpeg = args.length > 1 ? args[1] : "/usr/bin/ffmpeg";
        encode(
                ffmpeg,
                dir.resolve("h265-320x240-15fps.mp4"),
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

    private static void encode(String ffmpeg, Path out, List<String> codecArgs) throws Exception {
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
            for (int i = 0; i < FRAMES; i++) {
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
