package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the demo's main in this JVM, end to end, as examples/run-demo.sh does. */
class KvsDemoITCase {

    @Test
    void builtInCamerasEndWithSummaryJsonSnapshotsAndAContactSheetOfRealFrames(@TempDir Path out)
            throws Exception {
        Result result = run("--max-frames", "20", "--out", out.toString());

        assertThat(result.code).as("exit code; stderr: %s", result.err).isZero();
        List<String> lines = result.out.lines().collect(Collectors.toList());
        assertThat(lines).anyMatch(l -> l.startsWith("Stopped after 20 frames per camera"));
        assertThat(lines).anyMatch(l -> l.matches("cam-1\\s+cam-1\\s+20\\s+.*"));
        // Reconnects and connection state come from the source's metrics, through
        // DemoMetricsReporter.
        assertThat(result.camerasWithMetrics).containsExactlyInAnyOrder("cam-1", "cam-2", "cam-3");

        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.get("cameras")).hasSize(3);
        double total = 0;
        long frames = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode camera = json.get("cameras").get(i);
            assertThat(camera.get("camera_id").asText()).isEqualTo("cam-" + (i + 1));
            assertThat(camera.get("frames").asLong()).isGreaterThanOrEqualTo(20);
            // By frame timestamps: the synthetic cameras' 15 fps.
            assertThat(camera.get("fps").asDouble()).isBetween(14.0, 16.0);
            // By wall time: live cameras are read as fast as they film, give or take a fragment's
            // burst.
            assertThat(camera.get("read_fps").asDouble()).isPositive();
            total += camera.get("fps").asDouble();
            frames += camera.get("frames").asLong();
        }
        assertThat(json.get("fps_total").asDouble())
                .isCloseTo(total, org.assertj.core.data.Offset.offset(0.02));
        assertThat(json.get("frames_total").asLong()).isEqualTo(frames);
        assertThat(json.get("read_fps_total").asDouble()).isPositive();

        BufferedImage sheet = ImageIO.read(out.resolve("contact-sheet.png").toFile());
        assertThat(sheet).as("contact sheet").isNotNull();
        assertThat(sheet.getWidth()).isEqualTo(3 * Pictures.TILE_WIDTH);
        assertThat(sheet.getHeight()).isEqualTo(Pictures.TILE_HEIGHT);
        // Each tile is a decoded synthetic frame: its frame index code reads back, and the cameras
        // differ.
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            OptionalInt index =
                    frameIndex(
                            sheet.getSubimage(
                                    i * Pictures.TILE_WIDTH,
                                    0,
                                    Pictures.TILE_WIDTH,
                                    Pictures.TILE_HEIGHT));
            assertThat(index).as("frame index code of tile %s", i).isPresent();
            indices.add(index.getAsInt());
        }
        assertThat(indices).doesNotHaveDuplicates();

        try (Stream<Path> files = Files.list(out.resolve("snapshots"))) {
            List<Path> jpegs = files.collect(Collectors.toList());
            for (String camera : List.of("cam-1", "cam-2", "cam-3")) {
                Path jpeg =
                        jpegs.stream()
                                .filter(
                                        p ->
                                                p.getFileName()
                                                        .toString()
                                                        .matches(
                                                                camera
                                                                        + "-\\d{8}-\\d{6}-\\d{3}\\.jpg"))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "no snapshot of "
                                                                + camera
                                                                + " in "
                                                                + jpegs));
                BufferedImage image = ImageIO.read(jpeg.toFile());
                assertThat(image.getWidth()).isEqualTo(640);
                assertThat(image.getHeight()).isEqualTo(360);
            }
        }
    }

    @Test
    void aReplayReportsHowFastItReadAgainstTheVideosOwnRate(@TempDir Path out) throws Exception {
        Result result = run("--replay-seconds", "10", "--out", out.toString());

        assertThat(result.code).as("exit code; stderr: %s", result.err).isZero();
        List<String> lines = result.out.lines().collect(Collectors.toList());
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        for (JsonNode camera : json.get("cameras")) {
            assertThat(camera.get("frames").asLong()).as("10 s at 15 fps").isBetween(140L, 160L);
            assertThat(camera.get("fps").asDouble()).isBetween(14.0, 16.0);
            // A replay reads as fast as it can: many times the video's own rate.
            assertThat(camera.get("read_fps").asDouble())
                    .isGreaterThan(2 * camera.get("fps").asDouble());
        }
        assertThat(json.get("read_fps_total").asDouble())
                .isGreaterThan(json.get("cameras").get(0).get("read_fps").asDouble());
    }

    @Test
    void aBadFlagEndsWithOneSentenceAndExitCode2() {
        Result result = run("--max-frames", "20", "--bogus");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.out).isEmpty();
        assertThat(result.err.lines())
                .containsExactly(
                        "error: Unknown option '--bogus'; run-demo.sh --help shows the options.");
    }

    @Test
    void helpPrintsTheOptions() {
        Result result = run("--help");

        assertThat(result.code).isZero();
        assertThat(result.out)
                .startsWith("usage: examples/run-demo.sh")
                .contains(
                        "--stream-name",
                        "--camera",
                        "--region",
                        "--endpoint",
                        "--fps",
                        "--keyframes-only",
                        "--size",
                        "--replay-seconds",
                        "--max-frames");
        assertThat(result.err).isEmpty();
    }

    @Test
    void anUnknownStreamIsExplainedBeforeFlinkStarts(@TempDir Path out) {
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            Result result =
                    run(
                            "--endpoint",
                            kvs.endpoint().toString(),
                            "--stream-name",
                            "no-such-stream",
                            "--out",
                            out.toString());

            assertThat(result.code).isEqualTo(1);
            assertThat(result.err.lines())
                    .containsExactly(
                            "error: Stream 'no-such-stream' does not exist at "
                                    + kvs.endpoint()
                                    + ": check the name and --endpoint.");
        }
    }

    @Test
    void aFailureInsideTheFlinkJobIsExplainedInOneSentence(@TempDir Path out) {
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            kvs.createStream("vanishing").startLive(SyntheticCamera.encode(160, 120, 5));
            // GetDataEndpoint (the demo's check) works; the source's session request then finds no
            // stream.
            kvs.faults()
                    .failNext(
                            KvsOperation.GET_HLS_STREAMING_SESSION_URL,
                            1,
                            404,
                            "ResourceNotFoundException");
            Result result =
                    run(
                            "--endpoint",
                            kvs.endpoint().toString(),
                            "--camera",
                            "door=vanishing",
                            "--out",
                            out.toString());

            assertThat(result.code).as("stdout: %s", result.out).isEqualTo(1);
            assertThat(result.err.lines())
                    .containsExactly(
                            "error: Stream 'vanishing' does not exist at "
                                    + kvs.endpoint()
                                    + ": check the name and --endpoint.");
        }
    }

    @Test
    void aReconnectShowsInTheProgressAndTheSummary(@TempDir Path out) {
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            kvs.createStream("flaky").startLive(SyntheticCamera.encode(160, 120, 5));
            kvs.faults().failNext(KvsOperation.GET_MP4_MEDIA_FRAGMENT, 1, 500, "InternalFailure");
            Result result =
                    run(
                            "--endpoint",
                            kvs.endpoint().toString(),
                            "--camera",
                            "door=flaky",
                            "--max-frames",
                            "5",
                            "--out",
                            out.toString());

            assertThat(result.code).as("stderr: %s", result.err).isZero();
            List<String> lines = result.out.lines().collect(Collectors.toList());
            assertThat(lines).anyMatch(l -> l.matches("\\[\\s*[0-9.]+ s\\] door reconnecting"));
            // camera, stream, frames, fps, lag, reconnects
            assertThat(lines)
                    .anyMatch(l -> l.matches("door\\s+flaky\\s+5\\s+\\S+\\s+\\S+ s\\s+1\\s+.*"));
        }
    }

    private static OptionalInt frameIndex(BufferedImage tile) {
        BufferedImage bgr =
                new BufferedImage(tile.getWidth(), tile.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(tile, 0, 0, null);
        byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        return FrameIndexCode.read(pixels, bgr.getWidth(), bgr.getHeight(), bgr.getWidth() * 3);
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        KvsDemo demo;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            demo = new KvsDemo(o, e, false);
            code = demo.run(args);
        }
        return new Result(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8),
                List.copyOf(demo.camerasWithMetrics));
    }

    private static final class Result {
        final int code;
        final String out;
        final String err;
        final List<String> camerasWithMetrics;

        Result(int code, String out, String err, List<String> camerasWithMetrics) {
            this.code = code;
            this.out = out;
            this.err = err;
            this.camerasWithMetrics = camerasWithMetrics;
        }
    }
}
