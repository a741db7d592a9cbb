package io.kvsinfer.connector.kvs.examples.inference;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraWatermarks;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.time.Instant;

/**
 * Resized grayscale tensors for inference, one frame per second per camera: the source samples and
 * scales, the mapper converts, and a map stands in for the model. Without arguments it reads 6 s of
 * a synthetic camera from an in-process LocalKvs.
 */
public final class GrayscaleForInference {

    private GrayscaleForInference() {}

    public static void main(String[] args) throws Exception {
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            long start = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
            kvs.createStream("lobby")
                    .appendArchived(SyntheticCamera.encode(320, 240, 10), start, 3);
            KvsHlsSource<GrayscaleTensor> source =
                    KvsHlsSource.builder()
                            .setEndpoint(kvs.endpoint())
                            .setStaticCredentials("AKIDEXAMPLE", "local-secret")
                            .addStream("lobby")
                            .setStartingPosition(StartingPosition.earliest())
                            .setStoppingTimestamp(Instant.ofEpochMilli(start + 6_000 - 1))
                            .sampleFps(1)
                            .setOutputSize(224, 224)
                            .setFrameMapper(new GrayscaleTensorMapper(), GrayscaleTensor.class)
                            .build();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.fromSource(
                            source,
                            CameraWatermarks.<GrayscaleTensor>forCameras(Duration.ZERO),
                            "tensors")
                    .map(
                            t ->
                                    t.cameraId
                                            + " "
                                            + Instant.ofEpochMilli(t.timestampMillis)
                                            + " "
                                            + t.width
                                            + "x"
                                            + t.height
                                            + " mean brightness "
                                            + mean(t.values))
                    .print();
            env.execute("grayscale tensors");
        }
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
