package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.hls.HlsHttpClient;
import io.kvsinfer.connector.kvs.hls.KvsSessionClient;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** Builds camera fetchers against a LocalKvs for the reader's tests, with short delays. */
final class CameraFetchers implements AutoCloseable {

    final KvsSessionClient sessions;
    final HlsHttpClient http;

    CameraFetchers(URI endpoint) {
        sessions =
                new KvsSessionClient(
                        "us-east-1",
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                        Optional.of(endpoint),
                        Clock.systemUTC());
        http = new HlsHttpClient(Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    /** Reconnects after 100 ms to 500 ms, polls every 300 ms, then {@code options}. */
    static KvsSourceConfig config(Consumer<Configuration> options) {
        Configuration conf = new Configuration();
        conf.set(KvsSourceOptions.RECONNECT_DELAY, Duration.ofMillis(100));
        conf.set(KvsSourceOptions.MAX_RECONNECT_DELAY, Duration.ofMillis(500));
        conf.set(KvsSourceOptions.PLAYLIST_POLL_INTERVAL, Duration.ofMillis(300));
        conf.set(KvsSourceOptions.IDLE_POLL_INTERVAL, Duration.ofMillis(300));
        options.accept(conf);
        return new KvsSourceConfig(conf);
    }

    <T> CameraFetcher<T> create(
            KvsStreamSplit split,
            KvsSourceConfig config,
            FragmentDecoder decoder,
            FrameMapper<T> mapper,
            CameraMetrics metrics,
            Clock clock,
            boolean discovered) {
        return new CameraFetcher<>(
                split, config, sessions, http, decoder, mapper, metrics, clock, discovered);
    }

    static CameraMetrics metrics(String camera) {
        return new CameraMetrics(new UnregisteredMetricsGroup(), camera, new SimpleCounter());
    }

    static FragmentDecoder decoder(KvsSourceConfig config) {
        return new FragmentDecoder(DecoderSettingsFactory.fromConfig(config, () -> 1));
    }

    @Override
    public void close() {
        sessions.close();
        http.close();
    }
}
