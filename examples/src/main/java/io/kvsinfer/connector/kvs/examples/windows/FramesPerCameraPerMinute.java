package io.kvsinfer.connector.kvs.examples.windows;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraWatermarks;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Event-time windows: frames per camera per minute. Each frame's producer timestamp is its event
 * time; {@link CameraWatermarks} keeps cameras without producer idle so they never hold the windows
 * back. Run without arguments, it backfills 2.5 minutes of two synthetic cameras from an in-process
 * LocalKvs and prints one line per camera and minute.
 */
public final class FramesPerCameraPerMinute {

    private FramesPerCameraPerMinute() {}

    /**
     * The pipeline: frames (as ticks) keyed by camera, counted in one-minute event-time windows.
     */
    public static DataStream<CameraMinute> countPerMinute(
            StreamExecutionEnvironment env, KvsHlsSource<FrameTick> source) {
        return env.fromSource(
                        source, CameraWatermarks.<FrameTick>forCameras(Duration.ZERO), "cameras")
                .keyBy(tick -> tick.cameraId)
                .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                .aggregate(new CountFrames(), new StampWindow());
    }

    /** A source that keeps only camera id and timestamp of each frame. */
    public static KvsHlsSource<FrameTick> ticks(KvsHlsSourceBuilder<VideoFrame> builder) {
        return builder.setFrameMapper(
                        frame -> new FrameTick(frame.cameraId(), frame.timestampMillis()),
                        FrameTick.class)
                .build();
    }

    public static void main(String[] args) throws Exception {
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            FragmentedMedia media = SyntheticCamera.encode(64, 48, 10);
            long start = (System.currentTimeMillis() - 600_000) / 60_000 * 60_000;
            for (String camera : List.of("lobby", "dock")) {
                kvs.createStream(camera).appendArchived(media, start, 75);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            KvsHlsSourceBuilder<VideoFrame> builder =
                    KvsHlsSource.builder()
                            .setEndpoint(kvs.endpoint())
                            .setStaticCredentials("AKIDEXAMPLE", "local-secret")
                            .addStream("lobby")
                            .addStream("dock")
                            .setStartingPosition(StartingPosition.earliest())
                            .setStoppingTimestamp(Instant.ofEpochMilli(start + 150_000 - 1));
            countPerMinute(env, ticks(builder)).print();
            env.execute("frames per camera per minute");
        }
    }

    /** Counts frames. */
    static final class CountFrames implements AggregateFunction<FrameTick, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(FrameTick tick, Long count) {
            return count + 1;
        }

        @Override
        public Long getResult(Long count) {
            return count;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    /** Adds the camera and the window's start to the count. */
    static final class StampWindow
            extends ProcessWindowFunction<Long, CameraMinute, String, TimeWindow> {
        @Override
        public void process(
                String cameraId,
                Context context,
                Iterable<Long> counts,
                Collector<CameraMinute> out) {
            out.collect(
                    new CameraMinute(
                            cameraId, context.window().getStart(), counts.iterator().next()));
        }
    }
}
