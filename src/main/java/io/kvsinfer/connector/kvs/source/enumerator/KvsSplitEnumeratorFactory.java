package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.hls.ControlPlaneClients;
import io.kvsinfer.connector.kvs.source.config.CredentialsProviders;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.function.SerializableSupplier;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import javax.annotation.Nullable;

import java.util.List;

/**
 * Wires a {@link KvsSplitEnumerator}: the configured cameras, and with a discovery prefix a
 * control-plane client that lists and tags streams on the JobManager.
 */
@Internal
public final class KvsSplitEnumeratorFactory {

    private KvsSplitEnumeratorFactory() {}

    /**
     * @param checkpoint the state to restore, or null for a new job
     * @param bounded whether the source stops (discovery then runs once)
     */
    public static SplitEnumerator<KvsStreamSplit, KvsEnumeratorState> create(
            SplitEnumeratorContext<KvsStreamSplit> context,
            List<KvsStreamSplit> cameras,
            @Nullable KvsEnumeratorState checkpoint,
            KvsSourceConfig config,
            @Nullable SerializableSupplier<AwsCredentialsProvider> credentials,
            boolean bounded) {
        if (config.discoveryPrefix().isEmpty()) {
            return new KvsSplitEnumerator(context, cameras, checkpoint);
        }
        AwsCredentialsProvider provider =
                credentials != null ? credentials.get() : CredentialsProviders.fromConfig(config);
        StreamDiscovery discovery =
                new KvsStreamDiscovery(
                                ControlPlaneClients.create(
                                        config.region(),
                                        provider,
                                        config.endpoint(),
                                        config.httpTimeout().multipliedBy(2)),
                                config.discoveryPrefix().get(),
                                config.discoveryTags(),
                                config.discoveryCameraIdTag().orElse(null),
                                new DiscoveryLimits(
                                        config.discoveryListStreamsPerSecond(),
                                        config.discoveryTagsPerSecond(),
                                        config.discoveryMaxRetries()))
                        .closing(() -> CredentialsProviders.closeQuietly(provider));
        DiscoverySettings settings =
                new DiscoverySettings(
                        config.discoveryInterval(),
                        bounded,
                        config.startingPosition(),
                        config.stoppingTimestamp().orElse(KvsStreamSplit.NO_STOPPING_TIMESTAMP));
        return new KvsSplitEnumerator(context, cameras, checkpoint, discovery, settings);
    }
}
