package io.kvsinfer.connector.kvs.examples.basic;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraWatermarks;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * The seed's basic pattern, the Flink way: read cameras live and print one line per frame. Without
 * arguments it starts an in-process LocalKvs with a synthetic camera; with {@code --stream NAME
 * [--region R] [--endpoint URL]} it reads that stream with the default AWS credential chain. Stop
 * it with Ctrl-C.
 */
public final class PrintFrames {

    private PrintFrames() {}

    public static void main(String[] args) throws Exception {
        String stream = option(args, "--stream", null);
        LocalKvs local = null;
        KvsHlsSourceBuilder<VideoFrame> builder = KvsHlsSource.builder();
        if (stream == null) {
            local = LocalKvs.builder().build().start();
            local.createStream("lobby").startLive(SyntheticCamera.encode(320, 240, 10));
            stream = "lobby";
            builder.setEndpoint(local.endpoint())
                    .setStaticCredentials("AKIDEXAMPLE", "local-secret");
        } else {
            builder.setRegion(option(args, "--region", "us-east-1"));
            String endpoint = option(args, "--endpoint", null);
            if (endpoint != null) {
                builder.setEndpoint(URI.create(endpoint));
            }
        }
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.fromSource(
                            builder.addStream(stream).build(),
                            CameraWatermarks.<VideoFrame>forCameras(Duration.ZERO),
                            "cameras")
                    .map(
                            f ->
                                    f.getCameraId()
                                            + " "
                                            + Instant.ofEpochMilli(f.getTimestampMillis())
                                            + " fragment "
                                            + f.getFragmentNumber()
                                            + " frame "
                                            + f.getIndexInFragment()
                                            + " "
                                            + f.getWidth()
                                            + "x"
                                            + f.getHeight()
                                            + (f.isKeyFrame() ? " key" : ""))
                    .print();
            env.execute("print frames");
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
