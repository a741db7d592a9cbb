package io.kvsinfer.connector.kvs.hls;

import io.kvsinfer.connector.kvs.hls.KvsApiException.Kind;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two hops through the real AWS SDK against LocalKvs. */
class KvsSessionClientTest {

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static KvsSessionClient client;
    private static long archiveStart;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        FragmentedMedia media = SyntheticCamera.encode(160, 120, 10);
        archiveStart = System.currentTimeMillis() - 60_000;
        kvs.createStream("archived").appendArchived(media, archiveStart, 5);
        kvs.createStream("silent");
        client =
                new KvsSessionClient(
                        "us-east-1",
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                        Optional.of(kvs.endpoint()),
                        Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static HlsSessionRequest onDemand(long from, long to) {
        return new HlsSessionRequest(
                PlaybackMode.ON_DEMAND,
                HLSFragmentSelectorType.PRODUCER_TIMESTAMP,
                Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(to),
                ContainerFormat.FRAGMENTED_MP4,
                300,
                1000);
    }

    private static HlsSessionRequest live() {
        return new HlsSessionRequest(
                PlaybackMode.LIVE,
                HLSFragmentSelectorType.PRODUCER_TIMESTAMP,
                null,
                null,
                ContainerFormat.FRAGMENTED_MP4,
                300,
                5);
    }

    @Test
    void awsIsReachedOnlyOverHttpsUnlessTheEndpointIsOverridden() {
        StreamRef stream = StreamRef.parse("lobby");
        java.net.URI plain =
                java.net.URI.create(
                        "http://b-1234.kinesisvideo.us-east-1.amazonaws.com/hls/v1/"
                                + "getHLSMasterPlaylist.m3u8?SessionToken=SECRET-TOKEN");
        assertThatThrownBy(
                        () ->
                                KvsSessionClient.requireHttps(
                                        plain, true, "The HLS session URL", stream))
                .isInstanceOfSatisfying(
                        KvsApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
                .hasMessageContaining(
                        "The HLS session URL for stream lobby is not HTTPS (scheme 'http', host "
                                + "b-1234.kinesisvideo.us-east-1.amazonaws.com)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET-TOKEN"));
        java.net.URI secure =
                java.net.URI.create("https://b-1234.kinesisvideo.us-east-1.amazonaws.com/");
        assertThat(KvsSessionClient.requireHttps(secure, true, "The data endpoint", stream))
                .isEqualTo(secure);
        // An explicit endpoint override (LocalKvs) may be plain HTTP, and so may what it hands out.
        assertThat(KvsSessionClient.requireHttps(plain, false, "The HLS session URL", stream))
                .isEqualTo(plain);
    }

    @Test
    void opensSessionsAndCachesTheDataEndpoint() {
        KvsSessionClient client =
                new KvsSessionClient(
                        "us-east-1",
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                        Optional.of(kvs.endpoint()),
                        Clock.systemUTC());
        long endpointCallsBefore = kvs.requestCount(KvsOperation.GET_DATA_ENDPOINT);
        StreamRef stream = StreamRef.ofName("archived");
        Instant before = Instant.now();
        HlsSessionUrl first =
                client.openSession(stream, onDemand(archiveStart, archiveStart + 20_000));
        HlsSessionUrl second =
                client.openSession(stream, onDemand(archiveStart, archiveStart + 20_000));
        assertThat(first.masterPlaylistUri().toString())
                .startsWith(kvs.endpoint() + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=");
        assertThat(first.masterPlaylistUri()).isNotEqualTo(second.masterPlaylistUri());
        assertThat(first.expiresAt())
                .isBetween(before.plusSeconds(299), Instant.now().plusSeconds(300));
        assertThat(first.toString()).contains("SessionToken=***");
        assertThat(kvs.requestCount(KvsOperation.GET_DATA_ENDPOINT) - endpointCallsBefore)
                .isEqualTo(1);
        assertThat(client.dataRetention(stream)).isGreaterThan(Duration.ZERO);
        client.close();
    }

    @Test
    void unknownStreamsAndSilentStreamsAreTold() {
        assertThatThrownBy(() -> client.openSession(StreamRef.ofName("no-such-stream"), live()))
                .isInstanceOfSatisfying(
                        KvsApiException.class,
                        e -> {
                            assertThat(e.kind()).isEqualTo(Kind.STREAM_NOT_FOUND);
                            assertThat(e.getMessage())
                                    .contains("no-such-stream")
                                    .contains("Check the stream name and the region");
                        });
        assertThatThrownBy(() -> client.openSession(StreamRef.ofName("silent"), live()))
                .isInstanceOfSatisfying(
                        KvsApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.NO_FRAGMENTS));
        assertThatThrownBy(
                        () ->
                                client.openSession(
                                        StreamRef.ofName("archived"),
                                        onDemand(archiveStart, archiveStart + 90_000_000L)))
                .isInstanceOfSatisfying(
                        KvsApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT));
    }

    @Test
    void aDeniedCallNamesThePermissionItNeeds() {
        kvs.faults().failNext(KvsOperation.DESCRIBE_STREAM, 10, 401, "NotAuthorizedException");
        kvs.faults().failNext(KvsOperation.GET_DATA_ENDPOINT, 10, 401, "NotAuthorizedException");
        try {
            assertThatThrownBy(() -> client.dataRetention(StreamRef.ofName("archived")))
                    .hasMessageContaining(
                            "DescribeStream for stream archived failed (ACCESS_DENIED)")
                    .hasMessageEndingWith(
                            "allow kinesisvideo:DescribeStream (an EARLIEST start asks it for the"
                                    + " stream's retention).");
            assertThatThrownBy(() -> client.dataEndpoint(StreamRef.ofName("denied")))
                    .hasMessageEndingWith(
                            "allow kinesisvideo:GetDataEndpoint; a reader needs"
                                    + " kinesisvideo:GetDataEndpoint and"
                                    + " kinesisvideo:GetHLSStreamingSessionURL.");
        } finally {
            kvs.faults().clear();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "400, ClientLimitExceededException, THROTTLED",
        "401, NotAuthorizedException, ACCESS_DENIED",
        "400, UnsupportedStreamMediaTypeException, UNSUPPORTED_MEDIA",
        "500, InternalFailure, UNAVAILABLE",
    })
    void errorCodesMapToReasons(int status, String code, Kind reason) {
        client.dataEndpoint(StreamRef.ofName("archived"));
        // More failures than the SDK's own retries of 5xx answers.
        kvs.faults().failNext(KvsOperation.GET_HLS_STREAMING_SESSION_URL, 10, status, code);
        try {
            assertThatThrownBy(
                            () ->
                                    client.openSession(
                                            StreamRef.ofName("archived"),
                                            onDemand(archiveStart, archiveStart + 20_000)))
                    .isInstanceOfSatisfying(
                            KvsApiException.class, e -> assertThat(e.kind()).isEqualTo(reason));
        } finally {
            kvs.faults().clear();
        }
    }
}
