package io.kvsinfer.connector.kvs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real OpenCV ({@code cv2.VideoCapture} in Python, as the Python reader this source replaces read
 * KVS) reading an HLS session, for the one-camera comparison. Optional: the benchmark reports it
 * when the interpreter named by {@code bench.opencv.python} (default Debian's {@code
 * /usr/bin/python3}, with {@code python3-opencv}) can import {@code cv2}, and leaves it out
 * otherwise.
 */
final class OpenCvReader {

    private static final String PYTHON =
            System.getProperty("bench.opencv.python", "/usr/bin/python3");

    private OpenCvReader() {}

    /** OpenCV's version as the interpreter reports it, or why it is not there. */
    static String describe() {
        return version()
                .map(v -> "OpenCV " + v)
                .orElse("not installed: " + PYTHON + " without cv2");
    }

    /** Frames per second OpenCV reads {@code url} at, or empty without OpenCV. */
    static Optional<Double> fps(String url, int expected) throws IOException, InterruptedException {
        if (version().isEmpty()) {
            return Optional.empty();
        }
        Path script = Files.createTempFile("opencv_read", ".py");
        try (InputStream in = OpenCvReader.class.getResourceAsStream("/bench/opencv_read.py")) {
            Files.write(script, in.readAllBytes());
            String[] out = run(List.of(PYTHON, script.toString(), url), 600).trim().split("\\s+");
            int frames = Integer.parseInt(out[out.length - 2]);
            if (frames != expected) {
                throw new IllegalStateException(
                        "OpenCV read " + frames + " frames of the session, expected " + expected);
            }
            return Optional.of(Double.parseDouble(out[out.length - 1]));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static Optional<String> version() {
        try {
            return Optional.of(
                    run(List.of(PYTHON, "-c", "import cv2; print(cv2.__version__)"), 60).trim());
        } catch (IOException | IllegalStateException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String run(List<String> command, int timeoutSeconds)
            throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " failed: " + out);
        }
        return out;
    }
}
