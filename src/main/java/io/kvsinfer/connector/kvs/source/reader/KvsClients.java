package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsHttpClient;
import io.kvsinfer.connector.kvs.hls.KvsSessionClient;
import io.kvsinfer.connector.kvs.source.config.CredentialsProviders;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.time.Clock;
import java.time.Duration;

/** The KVS API client and the HLS HTTP client one reader shares among its cameras. */
@Internal
final class KvsClients implements AutoCloseable {

    private final KvsSessionClient sessions;
    private final HlsHttpClient http;
    private final AwsCredentialsProvider credentials;

    private KvsClients(
            KvsSessionClient sessions, HlsHttpClient http, AwsCredentialsProvider credentials) {
        this.sessions = sessions;
        this.http = http;
        this.credentials = credentials;
    }

    static KvsClients create(KvsSourceConfig config, AwsCredentialsProvider credentials) {
        Duration timeout = config.httpTimeout();
        return new KvsClients(
                new KvsSessionClient(
                        config.region(),
                        credentials,
                        config.endpoint(),
                        Clock.systemUTC(),
                        timeout.multipliedBy(2)),
                new HlsHttpClient(timeout, timeout),
                credentials);
    }

    KvsSessionClient sessions() {
        return sessions;
    }

    HlsHttpClient http() {
        return http;
    }

    @Override
    public void close() {
        try {
            sessions.close();
        } finally {
            http.close();
            CredentialsProviders.closeQuietly(credentials);
        }
    }
}
