package io.kvsinfer.connector.kvs.examples.cluster;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.net.URI;
import java.util.Arrays;

/**
 * The job the standalone-cluster test deploys as a job jar: live cameras of a (Local)KVS endpoint,
 * one line per frame ({@code camera,timestamp,index drawn in the pixels}) into files that Flink's
 * {@link FileSink} commits on each checkpoint, exactly once. What the files hold after a failure
 * therefore shows whether the source lost or replayed frames.
 *
 * <p>Arguments: {@code --endpoint URL --cameras a,b,c --output DIR [--checkpoint-interval MS]}.
 */
public final class FrameIndexFilesJob {

    private FrameIndexFilesJob() {}

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(required(args, "--endpoint"));
        String[] cameras = required(args, "--cameras").split(",");
        String output = required(args, "--output");
        long checkpointInterval = Long.parseLong(option(args, "--checkpoint-interval", "2000"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(checkpointInterval);
        env.getConfig().enableObjectReuse();
        KvsHlsSourceBuilder<String> builder =
                KvsHlsSource.builder()
                        .setEndpoint(endpoint)
                        .setStaticCredentials("AKIDEXAMPLE", "local-secret")
                        .setFrameMapper(new FrameIndexLine(), String.class);
        Arrays.stream(cameras).forEach(builder::addStream);
        env.setParallelism(cameras.length);
        env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "cameras")
                .uid("kvs-cameras")
                .sinkTo(
                        FileSink.forRowFormat(new Path(output), new SimpleStringEncoder<String>())
                                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                                .build())
                .uid("frame-index-files");
        env.execute("frame index files");
    }

    /**
     * {@code camera,timestamp,index}: the index the synthetic camera drew into the picture, or -1.
     */
    static final class FrameIndexLine implements FrameMapper<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(CameraFrame frame) {
            int index =
                    FrameIndexCode.read(
                                    frame.pixels(), frame.width(), frame.height(), frame.stride())
                            .orElse(-1);
            return frame.cameraId() + "," + frame.timestampMillis() + "," + index;
        }
    }

    private static String required(String[] args, String name) {
        String value = option(args, name, null);
        if (value == null) {
            throw new IllegalArgumentException(
                    "Missing "
                            + name
                            + "; usage: --endpoint URL --cameras a,b,c --output DIR"
                            + " [--checkpoint-interval MS]");
        }
        return value;
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
