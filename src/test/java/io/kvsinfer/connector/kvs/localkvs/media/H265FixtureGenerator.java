package io.kvsinfer.connector.kvs.localkvs.media;

import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Makes {@code src/test/resources/fixtures/h265-320x240-15fps.mp4}: 90 frames of the synthetic
 * camera's picture (indices 0..89 in the pixels) encoded by a GPL ffmpeg with libx265, which the
 * LGPL FFmpeg bundled with JavaCV lacks. Run once by hand; the output is committed.
 *
 * <p>Settings: a key frame every 30 frames (2 s) with scene-cut detection off, closed GOPs (so
 * every fragment decodes alone), 3 B-frames (so composition offsets are exercised), tag hvc1.
 *
 * <pre>mvn -o test-compile && java -cp target/test-classes:target/classes:$(cat cp.txt) \
 *   io.kvsinfer.connector.kvs.localkvs.media.H265FixtureGenerator [output] [ffmpeg]</pre>
 */
public final class H265FixtureGenerator {

    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int FPS = 15;
    static final int FRAMES = 90;

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "src/test/resources/fixtures/h265-320x240-15fps.mp4");
        String ffmpeg = args.length > 1 ? args[1] : "/usr/bin/ffmpeg";
        Process process = new ProcessBuilder(
                        ffmpeg, "-y", "-hide_banner", "-loglevel", "error",
                        "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", WIDTH + "x" + HEIGHT, "-r", Integer.toString(FPS),
                        "-i", "-",
                        "-c:v", "libx265", "-preset", "medium", "-crf", "28", "-pix_fmt", "yuv420p",
                        "-x265-params", "keyint=30:min-keyint=30:scenecut=0:open-gop=0:bframes=3:log-level=error",
                        "-tag:v", "hvc1", "-movflags", "+faststart",
                        out.toString())
                .inheritIO()
                .redirectInput(ProcessBuilder.Redirect.PIPE)
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
            throw new IllegalStateException("ffmpeg exited with " + exit);
        }
        System.out.println("wrote " + out);
    }
}
