package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.compat.WriterSink;
import io.kvsinfer.connector.kvs.localkvs.LiveProducer;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;

/**
 * Live synthetic cameras in LocalKvs on loopback, and Flink jobs that read them from the live edge
 * through a {@link LiveProbe} into a sink that drops every frame. Cameras are added on demand and
 * keep producing until the rig closes.
 */
final class LiveRig implements AutoCloseable {

    static final String CAMERA_PREFIX = "live-";

    private final LocalKvs kvs;
    private final FragmentedMedia media;
    private final List<LiveProducer> producers = new ArrayList<>();
    private final int fps;

    LiveRig(int width, int height, int fps) {
        this.fps = fps;
        this.media = SyntheticCamera.encode(width, height, fps);
        this.kvs = LocalKvs.builder().build().start();
    }

    LocalKvs kvs() {
        return kvs;
    }

    FragmentedMedia media() {
        return media;
    }

    long fragmentMillis() {
        return media.durationMillis(0);
    }

    /**
     * Makes sure at least {@code count} cameras are live, waiting for the first fragment of new
     * ones.
     */
    List<String> cameras(int count) throws InterruptedException {
        boolean added = false;
        while (producers.size() < count) {
            producers.add(kvs.createStream(CAMERA_PREFIX + producers.size()).startLive(media));
            added = true;
        }
        if (added) {
            Thread.sleep(fragmentMillis() + 200);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(CAMERA_PREFIX + i);
        }
        return names;
    }

    /** Starts a job reading {@code cameras} from the live edge; {@code tune} adjusts the source. */
    JobClient start(
            List<String> cameras,
            int parallelism,
            UnaryOperator<KvsHlsSourceBuilder<VideoFrame>> tune)
            throws Exception {
        return start(cameras, parallelism, tune, env -> {});
    }

    /**
     * The same, with {@code configure} applied to the job's environment first (checkpointing, say).
     */
    JobClient start(
            List<String> cameras,
            int parallelism,
            UnaryOperator<KvsHlsSourceBuilder<VideoFrame>> tune,
            Consumer<StreamExecutionEnvironment> configure)
            throws Exception {
        LiveProbe.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure.accept(env);
        env.setParallelism(parallelism);
        env.getConfig().enableObjectReuse();
        // Default settings: with many cameras the decoders get one thread each by themselves.
        KvsHlsSourceBuilder<VideoFrame> builder = sourceFor(kvs);
        cameras.forEach(builder::addStream);
        env.fromSource(tune.apply(builder).build(), WatermarkStrategy.noWatermarks(), "live")
                .map(new LiveProbe(fragmentMillis(), fps))
                .name("probe")
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("live cameras");
    }

    @Override
    public void close() {
        producers.forEach(LiveProducer::stop);
        kvs.close();
    }

    /** Drops every record. */
    static final class DiscardingSink<T> extends WriterSink<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {}

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
