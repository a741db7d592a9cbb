package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Builds Kinesis Video Streams control-plane clients the same way wherever one is needed. */
@Internal
public final class ControlPlaneClients {

    private ControlPlaneClients() {}

    /** Timeouts that bound every call, the SDK's own retries included. */
    public static ClientOverrideConfiguration timeouts(Duration apiCallTimeout) {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(apiCallTimeout)
                .apiCallAttemptTimeout(apiCallTimeout.dividedBy(2))
                .build();
    }

    public static KinesisVideoClient create(
            String region,
            AwsCredentialsProvider credentials,
            Optional<URI> endpointOverride,
            Duration apiCallTimeout) {
        var builder =
                KinesisVideoClient.builder()
                        .region(Region.of(region))
                        .credentialsProvider(credentials)
                        .overrideConfiguration(timeouts(apiCallTimeout));
        endpointOverride.ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
