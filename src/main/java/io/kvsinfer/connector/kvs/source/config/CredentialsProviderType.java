package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** Where the source takes AWS credentials from. */
@PublicEvolving
public enum CredentialsProviderType {
    /**
     * The AWS SDK's default chain: environment, system properties, profile, container, instance
     * role.
     */
    DEFAULT,
    /** A fixed access key id and secret access key from the configuration. */
    BASIC,
    /** A named profile of the AWS config and credentials files. */
    PROFILE,
    /**
     * Temporary credentials of an IAM role (STS AssumeRole), for reading another account's streams;
     * refreshed before they expire. The call to STS is signed with the static keys if set, else the
     * named profile if set, else the default chain.
     */
    ASSUME_ROLE
}
