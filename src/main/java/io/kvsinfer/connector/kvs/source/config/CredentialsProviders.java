package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Builds the AWS credentials provider the options ask for. */
@Internal
public final class CredentialsProviders {

    private CredentialsProviders() {}

    public static AwsCredentialsProvider fromConfig(KvsSourceConfig config) {
        switch (config.credentialsProviderType()) {
            case BASIC:
                return StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
            case PROFILE:
                return ProfileCredentialsProvider.create(config.profileName());
            default:
                return DefaultCredentialsProvider.builder().build();
        }
    }
}
