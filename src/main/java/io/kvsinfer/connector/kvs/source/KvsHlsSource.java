package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.enumerator.KvsEnumeratorState;
import io.kvsinfer.connector.kvs.source.enumerator.KvsEnumeratorStateSerializer;
import io.kvsinfer.connector.kvs.source.enumerator.KvsSplitEnumeratorFactory;
import io.kvsinfer.connector.kvs.source.reader.KvsSourceReaderFactory;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitSerializer;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.function.SerializableSupplier;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Flink source that reads Amazon Kinesis Video Streams over HLS and emits decoded frames, one
 * split per camera. Build it with {@link #builder()}:
 *
 * <pre>{@code
 * KvsHlsSource<VideoFrame> source = KvsHlsSource.builder()
 *         .addCamera("cam-1", "my-kvs-stream")
 *         .setRegion("us-east-1")
 *         .build();
 * env.fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofSeconds(1)), "cameras");
 * }</pre>
 *
 * <p>The source is unbounded unless a stopping timestamp is set. Each camera checkpoints the last
 * fragment it emitted from and how many of its frames, so a restored job emits every frame once.
 *
 * @param <T> the record type, {@link VideoFrame} unless a {@link FrameMapper} is set
 */
@PublicEvolving
public final class KvsHlsSource<T>
        implements Source<T, KvsStreamSplit, KvsEnumeratorState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final List<KvsStreamSplit> cameras;
    private final KvsSourceConfig config;
    private final FrameMapper<T> mapper;
    private final TypeInformation<T> producedType;
    @Nullable private final SerializableSupplier<AwsCredentialsProvider> credentials;

    KvsHlsSource(
            List<KvsStreamSplit> cameras,
            KvsSourceConfig config,
            FrameMapper<T> mapper,
            TypeInformation<T> producedType,
            @Nullable SerializableSupplier<AwsCredentialsProvider> credentials) {
        this.cameras = new ArrayList<>(cameras);
        this.config = config;
        this.mapper = mapper;
        this.producedType = producedType;
        this.credentials = credentials;
    }

    /** A builder for a source of {@link VideoFrame}s. */
    public static KvsHlsSourceBuilder<VideoFrame> builder() {
        return KvsHlsSourceBuilder.create();
    }

    @Override
    public Boundedness getBoundedness() {
        return config.stoppingTimestamp().isPresent()
                ? Boundedness.BOUNDED
                : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, KvsStreamSplit> createReader(SourceReaderContext readerContext) {
        Set<String> configured = new HashSet<>();
        cameras.forEach(camera -> configured.add(camera.cameraId()));
        return KvsSourceReaderFactory.create(
                config, mapper, credentials, configured, readerContext);
    }

    @Override
    public SplitEnumerator<KvsStreamSplit, KvsEnumeratorState> createEnumerator(
            SplitEnumeratorContext<KvsStreamSplit> context) {
        return KvsSplitEnumeratorFactory.create(
                context, cameras, null, config, credentials, isBounded());
    }

    @Override
    public SplitEnumerator<KvsStreamSplit, KvsEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<KvsStreamSplit> context, KvsEnumeratorState checkpoint) {
        return KvsSplitEnumeratorFactory.create(
                context, cameras, checkpoint, config, credentials, isBounded());
    }

    private boolean isBounded() {
        return getBoundedness() == Boundedness.BOUNDED;
    }

    @Override
    public SimpleVersionedSerializer<KvsStreamSplit> getSplitSerializer() {
        return new KvsStreamSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KvsEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new KvsEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }

    /** The cameras as splits, in the order they were added. */
    List<KvsStreamSplit> cameras() {
        return cameras;
    }

    KvsSourceConfig config() {
        return config;
    }
}
