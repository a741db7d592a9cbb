package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** Where the source takes AWS credentials from. */
@PublicEvolving
public enum CredentialsProviderType {
    /** The AWS SDK's default chain: environment, system properties, profile, container, instance role. */
    DEFAULT,
    /** A fixed access key id and secret access key from the configuration. */
    BASIC,
    /** A named profile of the AWS config and credentials files. */
    PROFILE
}
