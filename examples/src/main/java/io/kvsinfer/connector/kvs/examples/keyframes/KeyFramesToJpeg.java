package io.kvsinfer.connector.kvs.examples.keyframes;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraWatermarks;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;

/**
 * Key frames to JPEG files: the source decodes only what it must and keeps key frames (one per
 * fragment), so thumbnails of many cameras cost little. Without arguments it backfills 8 s of two
 * synthetic cameras from an in-process LocalKvs into {@code target/keyframes/}.
 */
public final class KeyFramesToJpeg {

    private KeyFramesToJpeg() {}

    /** The pipeline: key frames only, each written as a JPEG under {@code directory}. */
    public static void build(
            StreamExecutionEnvironment env,
            KvsHlsSourceBuilder<VideoFrame> builder,
            Path directory) {
        KvsHlsSource<VideoFrame> source = builder.sampleKeyFramesOnly().build();
        env.fromSource(source, CameraWatermarks.<VideoFrame>forCameras(Duration.ZERO), "key frames")
                .sinkTo(new JpegFileSink(directory));
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/keyframes");
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            long start = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
            var media = SyntheticCamera.encode(320, 240, 10);
            kvs.createStream("lobby").appendArchived(media, start, 4);
            kvs.createStream("dock").appendArchived(media, start, 4);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            build(
                    env,
                    KvsHlsSource.builder()
                            .setEndpoint(kvs.endpoint())
                            .setStaticCredentials("AKIDEXAMPLE", "local-secret")
                            .addStream("lobby")
                            .addStream("dock")
                            .setStartingPosition(StartingPosition.earliest())
                            .setStoppingTimestamp(Instant.ofEpochMilli(start + 8_000 - 1)),
                    out);
            env.execute("key frames to JPEG");
            System.out.println("Key frames written under " + out.toAbsolutePath());
        }
    }
}
