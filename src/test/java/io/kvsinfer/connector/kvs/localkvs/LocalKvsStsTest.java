package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.KinesisVideoException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LocalKvs's STS through the real SDK's StsClient, and KVS calls restricted to an assumed role. */
class LocalKvsStsTest {

    private static final String ROLE = "arn:aws:iam::222222222222:role/kvs-reader";
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static StsClient sts;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        kvs.roles().allow(ROLE, "ext-7f3a");
        sts =
                StsClient.builder()
                        .endpointOverride(kvs.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create("AKIDBASE", "base-secret")))
                        .overrideConfiguration(
                                c ->
                                        c.retryStrategy(RetryMode.STANDARD)
                                                .apiCallTimeout(Duration.ofSeconds(10)))
                        .build();
    }

    @AfterAll
    static void stop() {
        sts.close();
    }

    @Test
    void assumeRoleIssuesTemporaryCredentialsThatExpireWhenAsked() {
        Instant before = Instant.now();
        AssumeRoleResponse response =
                sts.assumeRole(
                        r ->
                                r.roleArn(ROLE)
                                        .roleSessionName("flink-test")
                                        .externalId("ext-7f3a")
                                        .durationSeconds(900));
        assertThat(response.credentials().accessKeyId()).startsWith("ASIA").hasSize(20);
        assertThat(response.credentials().secretAccessKey()).isNotBlank();
        assertThat(response.credentials().sessionToken()).isNotBlank();
        assertThat(response.credentials().expiration())
                .isBetween(before.plusSeconds(899), Instant.now().plusSeconds(901));
        assertThat(response.assumedRoleUser().arn())
                .isEqualTo("arn:aws:sts::222222222222:assumed-role/kvs-reader/flink-test");
        assertThat(kvs.roles().issuedSecrets()).contains(response.credentials().sessionToken());
    }

    @Test
    void wrongExternalIdAndBadParametersAreRefusedAsStsDoes() {
        assertThatThrownBy(
                        () ->
                                sts.assumeRole(
                                        r ->
                                                r.roleArn(ROLE)
                                                        .roleSessionName("flink-test")
                                                        .externalId("wrong")))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                            assertThat(e.getMessage())
                                    .contains("sts:AssumeRole on resource: " + ROLE);
                        });
        assertThatThrownBy(
                        () ->
                                sts.assumeRole(
                                        r ->
                                                r.roleArn(ROLE)
                                                        .roleSessionName("flink-test")
                                                        .externalId("ext-7f3a")
                                                        .durationSeconds(60)))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode())
                                    .isEqualTo("ValidationError");
                            assertThat(e.getMessage()).contains("between 900 and 43200");
                        });
        assertThatThrownBy(
                        () ->
                                sts.assumeRole(
                                        r ->
                                                r.roleArn("arn:aws:iam::222222222222:role/other")
                                                        .roleSessionName("flink-test")))
                .isInstanceOfSatisfying(
                        StsException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    @Test
    void kvsCallsNeedUnexpiredCredentialsOfTheRequiredRole() throws Exception {
        try (LocalKvs restricted = LocalKvs.builder().build().start();
                StsClient restrictedSts =
                        StsClient.builder()
                                .endpointOverride(restricted.endpoint())
                                .region(Region.US_EAST_1)
                                .credentialsProvider(
                                        StaticCredentialsProvider.create(
                                                AwsBasicCredentials.create("AKIDBASE", "s")))
                                .build()) {
            restricted.createStream("cam");
            restricted
                    .roles()
                    .allow(ROLE, null)
                    .capLifetime(Duration.ofSeconds(1))
                    .requireForKvs(ROLE);
            var credentials =
                    restrictedSts
                            .assumeRole(r -> r.roleArn(ROLE).roleSessionName("s1"))
                            .credentials();
            try (KinesisVideoClient asRole =
                            kvsClient(
                                    restricted,
                                    AwsSessionCredentials.create(
                                            credentials.accessKeyId(),
                                            credentials.secretAccessKey(),
                                            credentials.sessionToken()));
                    KinesisVideoClient asBase =
                            kvsClient(restricted, AwsBasicCredentials.create("AKIDBASE", "s"))) {
                assertThat(
                                asRole.describeStream(r -> r.streamName("cam"))
                                        .streamInfo()
                                        .streamName())
                        .isEqualTo("cam");
                assertThatThrownBy(() -> asBase.describeStream(r -> r.streamName("cam")))
                        .isInstanceOfSatisfying(
                                KinesisVideoException.class,
                                e ->
                                        assertThat(e.awsErrorDetails().errorCode())
                                                .isEqualTo("UnrecognizedClientException"));
                Thread.sleep(1100);
                assertThatThrownBy(() -> asRole.describeStream(r -> r.streamName("cam")))
                        .isInstanceOfSatisfying(
                                KinesisVideoException.class,
                                e ->
                                        assertThat(e.awsErrorDetails().errorCode())
                                                .isEqualTo("ExpiredTokenException"));
            }
            assertThat(restricted.roles().refusedRequests()).isEqualTo(2);
        }
    }

    private static KinesisVideoClient kvsClient(
            LocalKvs target, software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return KinesisVideoClient.builder()
                .endpointOverride(target.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD))
                .build();
    }
}
