package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.fault.FaultKind;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every fault kind, and that the SDK reads each injected error code as its modelled exception. */
class LocalKvsFaultsTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long T = NOW - 60_000L;

    private final ManualClock clock = new ManualClock(NOW);

    @RegisterExtension
    final LocalKvsExtension localKvsExtension = LocalKvsExtension.with(b -> b.clock(clock));

    private LocalKvs localKvs;
    private KvsTestClients clients;
    private String mediaUrl;
    private Playlist playlist;

    @BeforeEach
    void start() {
        localKvs = localKvsExtension.kvs();
        clients = new KvsTestClients(localKvs);
        localKvs.createStream("f").appendArchived(new TestMedia("f", 3, 2000), T, 30);
        String url =
                clients.sessionUrl(
                        b ->
                                b.streamName("f")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.fragmentSelectorType("PRODUCER_TIMESTAMP")
                                                                .timestampRange(range(T, NOW))));
        mediaUrl = KvsTestClients.mediaPlaylistUrl(url, clients.getText(url));
        playlist = new Playlist(clients.getText(mediaUrl));
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    private String fragmentUrl(int i) {
        return KvsTestClients.resolve(mediaUrl, playlist.uris().get(i));
    }

    static Stream<Arguments> controlPlaneErrors() {
        String pkg = "software.amazon.awssdk.services.kinesisvideo.model.";
        return Stream.of(
                        "ResourceNotFoundException:404",
                        "InvalidArgumentException:400",
                        "ClientLimitExceededException:400",
                        "NotAuthorizedException:401",
                        "ResourceInUseException:400",
                        "AccountStreamLimitExceededException:400",
                        "VersionMismatchException:400",
                        "TagsPerResourceExceededLimitException:400",
                        "InvalidDeviceException:400",
                        "AccessDeniedException:401",
                        "NoDataRetentionException:400")
                .map(s -> Arguments.of(s.split(":")[0], Integer.parseInt(s.split(":")[1]), pkg));
    }

    @ParameterizedTest(name = "kinesisvideo {0}")
    @MethodSource("controlPlaneErrors")
    void controlPlaneErrorCodesMapToModelledExceptions(String code, int status, String pkg)
            throws Exception {
        localKvs.faults().failNext(KvsOperation.GET_DATA_ENDPOINT, 1, status, code);
        assertThatThrownBy(
                        () ->
                                clients.kvs.getDataEndpoint(
                                        b ->
                                                b.streamName("f")
                                                        .apiName(
                                                                APIName
                                                                        .GET_HLS_STREAMING_SESSION_URL)))
                .isInstanceOf(Class.forName(pkg + code))
                .satisfies(
                        e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(status))
                .satisfies(e -> assertThat(((AwsServiceException) e).requestId()).isNotBlank());
        assertThat(
                        clients.kvs
                                .getDataEndpoint(
                                        b ->
                                                b.streamName("f")
                                                        .apiName(
                                                                APIName
                                                                        .GET_HLS_STREAMING_SESSION_URL))
                                .dataEndpoint())
                .isEqualTo(localKvs.endpoint().toString());
    }

    static Stream<Arguments> archivedMediaErrors() {
        String pkg = "software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.";
        return Stream.of(
                        "ResourceNotFoundException:404",
                        "InvalidArgumentException:400",
                        "ClientLimitExceededException:400",
                        "NotAuthorizedException:401",
                        "UnsupportedStreamMediaTypeException:400",
                        "NoDataRetentionException:400",
                        "MissingCodecPrivateDataException:400",
                        "InvalidCodecPrivateDataException:400",
                        "InvalidMediaFrameException:400")
                .map(s -> Arguments.of(s.split(":")[0], Integer.parseInt(s.split(":")[1]), pkg));
    }

    @ParameterizedTest(name = "archived media {0}")
    @MethodSource("archivedMediaErrors")
    void archivedMediaErrorCodesMapToModelledExceptions(String code, int status, String pkg)
            throws Exception {
        localKvs.faults().failNext(KvsOperation.GET_HLS_STREAMING_SESSION_URL, 1, status, code);
        assertThatThrownBy(
                        () ->
                                clients.sessionUrl(
                                        b ->
                                                b.streamName("f")
                                                        .playbackMode("ON_DEMAND")
                                                        .hlsFragmentSelector(
                                                                s ->
                                                                        s.timestampRange(
                                                                                range(T, NOW)))))
                .isInstanceOf(Class.forName(pkg + code))
                .satisfies(
                        e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(status));
        assertThat(localKvs.faults().injectedCount(FaultKind.FAILURE)).isEqualTo(1);
    }

    @Test
    void failNextAnswersTheNextRequestsOfThatOperationOnly() {
        localKvs.faults().failNext(KvsOperation.GET_MP4_MEDIA_FRAGMENT, 2, 500, "InternalFailure");
        assertThat(clients.getText(mediaUrl)).isEqualTo(playlist.text);
        HttpResponse<byte[]> first = clients.get(fragmentUrl(0));
        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(first.headers().firstValue("x-amzn-ErrorType"))
                .hasValue("InternalFailure:https://kinesisvideo.amazonaws.com/doc/2017-09-30/");
        assertThat(clients.get(fragmentUrl(1)).statusCode()).isEqualTo(500);
        assertThat(clients.get(fragmentUrl(1)).statusCode()).isEqualTo(200);
        assertThat(localKvs.faults().injectedCount(FaultKind.FAILURE)).isEqualTo(2);
        assertThat(localKvs.requestCount(KvsOperation.GET_MP4_MEDIA_FRAGMENT)).isEqualTo(3);
    }

    @Test
    void resetDropsTheConnectionHalfwayThroughTheBody() {
        localKvs.faults().resetNext(KvsOperation.GET_MP4_MEDIA_FRAGMENT, 1);
        assertThatThrownBy(() -> clients.get(fragmentUrl(0)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(clients.get(fragmentUrl(0)).body()).hasSize(TestMedia.FRAGMENT_BYTES);
        assertThat(localKvs.faults().injectedCount(FaultKind.RESET)).isEqualTo(1);
    }

    @Test
    void theSdkRetriesAResetControlPlaneCall() {
        try (KvsTestClients retrying = new KvsTestClients(localKvs, true)) {
            localKvs.faults().resetNext(KvsOperation.DESCRIBE_STREAM, 1);
            assertThat(
                            retrying.kvs
                                    .describeStream(b -> b.streamName("f"))
                                    .streamInfo()
                                    .streamName())
                    .isEqualTo("f");
            assertThat(localKvs.requestCount(KvsOperation.DESCRIBE_STREAM)).isEqualTo(2);
        }
    }

    @Test
    void delayHoldsTheAnswer() {
        localKvs.faults().delay(KvsOperation.GET_HLS_MEDIA_PLAYLIST, Duration.ofMillis(300), 1);
        long started = System.nanoTime();
        assertThat(clients.getText(mediaUrl)).isEqualTo(playlist.text);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        started = System.nanoTime();
        clients.getText(mediaUrl);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofMillis(300));
        assertThat(localKvs.faults().injectedCount(FaultKind.DELAY)).isEqualTo(1);
    }

    @Test
    void corruptionTruncatesOrGarblesMediaFragments() {
        byte[] good = clients.get(fragmentUrl(0)).body();
        localKvs.faults().corruptNext(1, Corruption.TRUNCATE);
        localKvs.faults().corruptNext(1, Corruption.GARBAGE);
        HttpResponse<byte[]> truncated = clients.get(fragmentUrl(0));
        assertThat(truncated.statusCode()).isEqualTo(200);
        assertThat(truncated.body()).isEqualTo(Arrays.copyOf(good, good.length / 2));
        HttpResponse<byte[]> garbage =
                clients.get(fragmentUrl(0).replace("getMP4MediaFragment.mp4", "getTSFragment.ts"));
        assertThat(garbage.body()).hasSize(good.length);
        assertThat(new String(garbage.body(), StandardCharsets.ISO_8859_1)).doesNotStartWith("TS|");
        assertThat(clients.get(fragmentUrl(0)).body()).isEqualTo(good);
        assertThat(localKvs.faults().injectedCount(FaultKind.CORRUPTION)).isEqualTo(2);
        String damagedNumber = playlist.uris().get(0).replaceAll(".*FragmentNumber=(\\d+).*", "$1");
        assertThat(localKvs.faults().corruptedFragments()).containsExactly(damagedNumber);
    }

    @Test
    void aFragmentCorruptedByNumberIsDamagedEveryTimeAndTheOthersNever() {
        byte[] good = clients.get(fragmentUrl(0)).body();
        byte[] other = clients.get(fragmentUrl(1)).body();
        String number = playlist.uris().get(0).replaceAll(".*FragmentNumber=(\\d+).*", "$1");
        localKvs.faults().corruptFragment(number, Corruption.OVERSIZED);
        for (int i = 0; i < 2; i++) {
            byte[] oversized = clients.get(fragmentUrl(0)).body();
            assertThat(oversized).hasSize(good.length + (1 << 20)).startsWith(good);
            assertThat(clients.get(fragmentUrl(1)).body()).isEqualTo(other);
        }
        assertThat(localKvs.faults().corruptedFragments()).containsExactly(number);
        localKvs.faults().clear();
        assertThat(clients.get(fragmentUrl(0)).body()).isEqualTo(good);
    }

    @Test
    void corruptionSkipsPlaylistsAndInitFragments() {
        localKvs.faults().corruptNext(1, Corruption.GARBAGE);
        assertThat(clients.getText(mediaUrl)).isEqualTo(playlist.text);
        assertThat(
                        clients.getText(
                                KvsTestClients.resolve(
                                        mediaUrl,
                                        playlist.single("#EXT-X-MAP:URI=").replace("\"", ""))))
                .isEqualTo("INIT|f");
        assertThat(TestMedia.header(clients.get(fragmentUrl(0)).body())).doesNotStartWith("MP4|");
    }

    @Test
    void expireAllSessionsMakesEveryHlsCall403ButNewSessionsWork() {
        localKvs.faults().expireAllSessions();
        HttpResponse<byte[]> expired = clients.get(mediaUrl);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(new String(expired.body(), StandardCharsets.UTF_8))
                .contains("Streaming session token is expired");
        assertThat(clients.get(fragmentUrl(0)).statusCode()).isEqualTo(403);
        String fresh =
                clients.sessionUrl(
                        b ->
                                b.streamName("f")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(s -> s.timestampRange(range(T, NOW))));
        assertThat(clients.get(fresh).statusCode()).isEqualTo(200);
        assertThat(localKvs.faults().injectedCount(FaultKind.SESSION_EXPIRY)).isEqualTo(1);
    }

    @Test
    void clearDropsArmedFaultsButKeepsCounts() {
        localKvs.faults()
                .failNext(KvsOperation.GET_HLS_MEDIA_PLAYLIST, 1, 503, "ServiceUnavailable");
        assertThat(clients.get(mediaUrl).statusCode()).isEqualTo(503);
        localKvs.faults()
                .failNext(KvsOperation.GET_HLS_MEDIA_PLAYLIST, 5, 503, "ServiceUnavailable");
        localKvs.faults().delay(KvsOperation.GET_HLS_MEDIA_PLAYLIST, Duration.ofSeconds(5), 5);
        localKvs.faults().clear();
        assertThat(clients.get(mediaUrl).statusCode()).isEqualTo(200);
        assertThat(localKvs.faults().injectedTotal()).isEqualTo(1);
    }

    @Test
    void faultArgumentsAreChecked() {
        assertThatThrownBy(() -> localKvs.faults().failNext(KvsOperation.LIST_STREAMS, 0, 500, "X"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
        assertThatThrownBy(() -> localKvs.faults().failNext(KvsOperation.LIST_STREAMS, 1, 200, "X"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("status");
        assertThatThrownBy(
                        () ->
                                localKvs.faults()
                                        .failNext(KvsOperation.LIST_STREAMS, 1, 500, "bad code:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorCode");
        assertThatThrownBy(
                        () ->
                                localKvs.faults()
                                        .delay(KvsOperation.LIST_STREAMS, Duration.ofMillis(-1), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
    }

    /**
     * The range from {@code from} to {@code to}, for the SDK's builder (keeps the nested lambdas
     * short).
     */
    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            Instant from, Instant to) {
        return r -> r.startTimestamp(from).endTimestamp(to);
    }

    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            long fromMillis, long toMillis) {
        return range(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    }
}
