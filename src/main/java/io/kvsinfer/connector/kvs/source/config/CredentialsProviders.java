package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * Builds the AWS credentials provider the options ask for. The caller owns it and closes it (an
 * assumed-role provider holds an STS client).
 */
@Internal
public final class CredentialsProviders {

    private CredentialsProviders() {}

    public static AwsCredentialsProvider fromConfig(KvsSourceConfig config) {
        switch (config.credentialsProviderType()) {
            case BASIC:
                return staticKeys(config);
            case PROFILE:
                return ProfileCredentialsProvider.create(config.profileName());
            case ASSUME_ROLE:
                return assumeRole(config);
            default:
                return DefaultCredentialsProvider.builder().build();
        }
    }

    private static AwsCredentialsProvider staticKeys(KvsSourceConfig config) {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
    }

    /**
     * The role's credentials, renewed by the SDK before they expire (it starts 5 minutes ahead).
     */
    private static AwsCredentialsProvider assumeRole(KvsSourceConfig config) {
        AwsCredentialsProvider base =
                config.hasStaticKeys()
                        ? staticKeys(config)
                        : config.hasProfile()
                                ? ProfileCredentialsProvider.create(config.profileName())
                                : DefaultCredentialsProvider.builder().build();
        StsClientBuilder sts =
                StsClient.builder()
                        .region(Region.of(config.region()))
                        .credentialsProvider(base)
                        .overrideConfiguration(
                                io.kvsinfer.connector.kvs.hls.ControlPlaneClients.timeouts(
                                        config.httpTimeout().multipliedBy(2)));
        config.stsEndpoint().ifPresent(sts::endpointOverride);
        AssumeRoleRequest.Builder request =
                AssumeRoleRequest.builder()
                        .roleArn(config.roleArn())
                        .roleSessionName(config.roleSessionName())
                        .durationSeconds((int) config.roleSessionDuration().toSeconds());
        config.roleExternalId().ifPresent(request::externalId);
        StsClient client = sts.build();
        StsAssumeRoleCredentialsProvider provider =
                StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(client)
                        .refreshRequest(request.build())
                        .build();
        return new AssumedRoleCredentials(provider, client, base);
    }

    /**
     * Closes what an AWS credentials provider holds, if it holds anything (an STS client, a cache).
     */
    public static void closeQuietly(AwsCredentialsProvider provider) {
        if (provider instanceof AutoCloseable) {
            try {
                ((AutoCloseable) provider).close();
            } catch (Exception e) {
                // Closing on shutdown: nothing useful to do with a failure here.
            }
        }
    }

    /** The assumed-role provider together with the STS client and base provider it owns. */
    private static final class AssumedRoleCredentials
            implements AwsCredentialsProvider, AutoCloseable {
        private final StsAssumeRoleCredentialsProvider provider;
        private final StsClient client;
        private final AwsCredentialsProvider base;

        AssumedRoleCredentials(
                StsAssumeRoleCredentialsProvider provider,
                StsClient client,
                AwsCredentialsProvider base) {
            this.provider = provider;
            this.client = client;
            this.base = base;
        }

        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return provider.resolveCredentials();
        }

        @Override
        public void close() {
            provider.close();
            client.close();
            closeQuietly(base);
        }

        @Override
        public String toString() {
            // Never the credentials: the SDK and Flink may log a provider.
            return "AssumedRoleCredentials";
        }
    }
}
