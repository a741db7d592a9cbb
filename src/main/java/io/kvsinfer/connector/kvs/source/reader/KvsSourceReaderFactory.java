package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.config.CredentialsProviders;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.metrics.ThreadSafeCounter;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.function.SerializableSupplier;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import javax.annotation.Nullable;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wires a {@link KvsSourceReader}: shared KVS and HTTP clients, one fetcher thread per camera.
 * {@code configuredCameras} are the cameras added by name; any other split was discovered.
 */
@Internal
public final class KvsSourceReaderFactory {

    private KvsSourceReaderFactory() {}

    public static <T> SourceReader<T, KvsStreamSplit> create(
            KvsSourceConfig config,
            FrameMapper<T> mapper,
            @Nullable SerializableSupplier<AwsCredentialsProvider> credentials,
            Set<String> configuredCameras,
            SourceReaderContext context) {
        AwsCredentialsProvider provider =
                credentials != null ? credentials.get() : CredentialsProviders.fromConfig(config);
        KvsClients clients = KvsClients.create(config, provider);
        Configuration readerConfig = config.toConfiguration();
        DecodeSlots slots = DecodeSlots.shared(config.decoderConcurrentCameras());
        // Every camera's fetcher thread adds to the reader's one numBytesIn.
        ThreadSafeCounter bytesIn =
                new ThreadSafeCounter(
                        context.metricGroup().getIOMetricGroup().getNumBytesInCounter());
        // Cameras that ended because their stream is gone, until the reader tells the enumerator.
        Set<String> streamsGone = ConcurrentHashMap.newKeySet();
        PerCameraFetcherManager<T> fetchers =
                new PerCameraFetcherManager<>(
                        () ->
                                new KvsCameraSplitReader<T>(
                                        split ->
                                                new CameraFetcher<>(
                                                        split,
                                                        config,
                                                        clients.sessions(),
                                                        clients.http(),
                                                        new FragmentDecoder(
                                                                DecoderSettingsFactory.fromConfig(
                                                                        config,
                                                                        slots::threadsPerCamera,
                                                                        mapper)),
                                                        mapper,
                                                        new CameraMetrics(
                                                                context.metricGroup(),
                                                                split.cameraId(),
                                                                bytesIn),
                                                        Clock.systemUTC(),
                                                        !configuredCameras.contains(
                                                                split.cameraId())),
                                        streamsGone::add),
                        readerConfig);
        return new KvsSourceReader<>(fetchers, readerConfig, context, mapper, clients, streamsGone);
    }
}
