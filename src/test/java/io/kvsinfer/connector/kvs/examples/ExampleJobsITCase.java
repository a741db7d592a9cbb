package io.kvsinfer.connector.kvs.examples;

import io.kvsinfer.connector.kvs.examples.health.GapAlerts;
import io.kvsinfer.connector.kvs.examples.inference.GrayscaleTensor;
import io.kvsinfer.connector.kvs.examples.inference.GrayscaleTensorMapper;
import io.kvsinfer.connector.kvs.examples.keyframes.KeyFramesToJpeg;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraWatermarks;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/** The example jobs produce what they promise, checked from the pictures. */
class ExampleJobsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int FPS = 10;
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static long start;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        start = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        var media = SyntheticCamera.encode(320, 240, FPS);
        kvs.createStream("ex-lobby").appendArchived(media, start, 4);
        kvs.createStream("ex-dock").appendArchived(media, start, 4);
    }

    @Test
    void keyFramesBecomeJpegFilesOfTheRightFrames(@TempDir Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KeyFramesToJpeg.build(
                env,
                sourceFor(kvs)
                        .addStream("ex-lobby")
                        .addStream("ex-dock")
                        .setStartingPosition(StartingPosition.earliest())
                        .setStoppingTimestamp(Instant.ofEpochMilli(start + 8_000 - 1)),
                out);
        env.execute("key frames");

        for (String camera : List.of("ex-lobby", "ex-dock")) {
            List<Path> files;
            try (Stream<Path> listed = Files.list(out.resolve(camera))) {
                files = listed.sorted().collect(Collectors.toList());
            }
            // One key frame per 2 s fragment, the first frame of each: stream indices 0, 20, 40,
            // 60.
            assertThat(files)
                    .extracting(f -> f.getFileName().toString())
                    .containsExactly(
                            start + ".jpg",
                            (start + 2000) + ".jpg",
                            (start + 4000) + ".jpg",
                            (start + 6000) + ".jpg");
            for (int i = 0; i < files.size(); i++) {
                BufferedImage image = ImageIO.read(files.get(i).toFile());
                assertThat(image.getWidth()).isEqualTo(320);
                assertThat(indexIn(image))
                        .as("picture of %s", files.get(i))
                        .isEqualTo(i * 2 * FPS % (5 * 2 * FPS));
            }
        }
    }

    @Test
    void theGrayscaleMapperGivesResizedTensorsOfLuma() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<GrayscaleTensor> tensors =
                env.fromSource(
                                sourceFor(kvs)
                                        .addStream("ex-lobby")
                                        .setStartingPosition(StartingPosition.earliest())
                                        .setStoppingTimestamp(
                                                Instant.ofEpochMilli(start + 6_000 - 1))
                                        .sampleFps(1)
                                        .setOutputSize(224, 224)
                                        .setFrameMapper(
                                                new GrayscaleTensorMapper(), GrayscaleTensor.class)
                                        .build(),
                                CameraWatermarks.forCameras(Duration.ZERO),
                                "tensors")
                        .executeAndCollect(100);
        assertThat(tensors)
                .hasSize(6)
                .allSatisfy(
                        t -> {
                            assertThat(t.width).isEqualTo(224);
                            assertThat(t.values).hasSize(224 * 224);
                        });
        assertThat(tensors)
                .extracting(t -> t.timestampMillis - start)
                .containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L);
        // The conversion itself: pure blue, green, red and white pixels.
        ByteBuffer bgr =
                ByteBuffer.wrap(
                        new byte[] {
                            (byte) 255,
                            0,
                            0,
                            0,
                            (byte) 255,
                            0,
                            0,
                            0,
                            (byte) 255,
                            (byte) 255,
                            (byte) 255,
                            (byte) 255
                        });
        assertThat(GrayscaleTensorMapper.toGray(bgr, 4, 1, 12))
                .containsExactly(
                        new float[] {0.114f, 0.587f, 0.299f, 1.0f},
                        org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void gapAlertsFlagAHoleInACamerasVideo() throws Exception {
        var media = SyntheticCamera.encode(64, 48, FPS);
        kvs.createStream("ex-gappy").appendArchived(media, start, 2);
        kvs.stream("ex-gappy").appendArchived(media, start + 10_000, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<String> alerts =
                env.fromSource(
                                sourceFor(kvs)
                                        .addStream("ex-gappy")
                                        .setStartingPosition(StartingPosition.earliest())
                                        .setStoppingTimestamp(
                                                Instant.ofEpochMilli(start + 14_000 - 1))
                                        .setFrameMapper(
                                                frame -> frame.timestampMillis(), Long.class)
                                        .build(),
                                CameraWatermarks.forCameras(Duration.ZERO),
                                "ticks")
                        .keyBy(ts -> "ex-gappy")
                        .process(new GapAlerts(1_000))
                        .executeAndCollect(10);
        // Frames end at start + 3.9 s and resume at start + 10 s.
        assertThat(alerts)
                .containsExactly(
                        "camera ex-gappy: no video for 6100 ms before "
                                + Instant.ofEpochMilli(start + 10_000));
    }

    private static int indexIn(BufferedImage image) {
        BufferedImage bgr =
                new BufferedImage(
                        image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(image, 0, 0, null);
        byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        return FrameIndexCode.read(data, image.getWidth(), image.getHeight(), 3 * image.getWidth())
                .orElse(-1);
    }
}
