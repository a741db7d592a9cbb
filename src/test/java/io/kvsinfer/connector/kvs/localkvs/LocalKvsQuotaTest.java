package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ClientLimitExceededException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AWS's TPS quotas, enforced on request, counted per second of the injected clock. */
class LocalKvsQuotaTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long T = NOW - 60_000L;

    private final ManualClock clock = new ManualClock(NOW);

    @RegisterExtension
    final LocalKvsExtension localKvsExtension =
            LocalKvsExtension.with(b -> b.clock(clock).enforceQuotas(true));

    private LocalKvs localKvs;
    private KvsTestClients clients;

    @BeforeEach
    void start() {
        localKvs = localKvsExtension.kvs();
        clients = new KvsTestClients(localKvs);
        localKvs.createStream("q").appendArchived(new TestMedia("q", 3, 2000), T, 30);
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    private String session(long max) {
        return clients.sessionUrl(
                b ->
                        b.streamName("q")
                                .playbackMode("ON_DEMAND")
                                .maxMediaPlaylistFragmentResults(max)
                                .hlsFragmentSelector(s -> s.timestampRange(range(T, NOW))));
    }

    private static void assertThrottled(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElseThrow())
                .startsWith("ClientLimitExceededException:");
    }

    @Test
    void getDataEndpointAllowsFivePerSecondPerStream() {
        for (int i = 0; i < 5; i++) {
            clients.kvs.getDataEndpoint(
                    b -> b.streamName("q").apiName(APIName.GET_HLS_STREAMING_SESSION_URL));
        }
        assertThatThrownBy(
                        () ->
                                clients.kvs.getDataEndpoint(
                                        b -> b.streamName("q").apiName(APIName.LIST_FRAGMENTS)))
                .isInstanceOf(
                        software.amazon.awssdk.services.kinesisvideo.model
                                .ClientLimitExceededException.class);
        clock.advance(Duration.ofSeconds(1));
        clients.kvs.getDataEndpoint(b -> b.streamName("q").apiName(APIName.LIST_FRAGMENTS));
    }

    @Test
    void sessionUrlAllowsTwentyFivePerSecondPerStream() {
        for (int i = 0; i < 25; i++) {
            session(5);
        }
        assertThatThrownBy(() -> session(5)).isInstanceOf(ClientLimitExceededException.class);
        clock.advance(Duration.ofSeconds(1));
        session(5);
    }

    @Test
    void perSessionPlaylistAndFragmentLimits() {
        String url = session(25);
        String mediaUrl = KvsTestClients.mediaPlaylistUrl(url, clients.getText(url));
        for (int i = 0; i < 4; i++) {
            clients.getText(url);
        }
        assertThrottled(clients.get(url));
        for (int i = 0; i < 5; i++) {
            clients.getText(mediaUrl);
        }
        assertThrottled(clients.get(mediaUrl));
        clock.advance(Duration.ofSeconds(1));
        Playlist playlist = new Playlist(clients.getText(mediaUrl));
        String init =
                KvsTestClients.resolve(
                        mediaUrl, playlist.values("#EXT-X-MAP:URI=").get(0).replace("\"", ""));
        for (int i = 0; i < 5; i++) {
            assertThat(clients.get(init).statusCode()).isEqualTo(200);
        }
        assertThrottled(clients.get(init));
        for (int i = 0; i < 20; i++) {
            assertThat(
                            clients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(i)))
                                    .statusCode())
                    .isEqualTo(200);
        }
        assertThrottled(clients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(20))));
        clock.advance(Duration.ofSeconds(1));
        assertThat(
                        clients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(20)))
                                .statusCode())
                .isEqualTo(200);
    }

    @Test
    void mediaPlaylistsSpendTheStreamMetadataBudget() {
        String a = session(5000);
        String b = session(5000);
        String mediaA = KvsTestClients.mediaPlaylistUrl(a, clients.getText(a));
        String mediaB = KvsTestClients.mediaPlaylistUrl(b, clients.getText(b));
        clients.getText(mediaA);
        clients.getText(mediaB);
        assertThrottled(clients.get(mediaA));
        clock.advance(Duration.ofSeconds(1));
        clients.getText(mediaA);
    }

    /** What the SDK raises for a throttled control-plane call: status 400 and KVS's own code. */
    private static void assertControlPlaneThrottled(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        software.amazon.awssdk.services.kinesisvideo.model
                                .ClientLimitExceededException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode())
                                    .isEqualTo("ClientLimitExceededException");
                        });
    }

    @Test
    void listStreamsAllowsFiftyPerSecondPerAccount() {
        for (int i = 0; i < 50; i++) {
            clients.kvs.listStreams(b -> b.maxResults(1));
        }
        assertControlPlaneThrottled(() -> clients.kvs.listStreams(b -> {}));
        clock.advance(Duration.ofSeconds(1));
        assertThat(clients.kvs.listStreams(b -> {}).streamInfoList())
                .extracting(s -> s.streamName())
                .containsExactly("q");
    }

    @Test
    void listTagsForStreamAllowsFivePerSecondPerStream() {
        localKvs.createStream("r", Map.of("site", "dock"));
        for (int i = 0; i < 5; i++) {
            clients.kvs.listTagsForStream(b -> b.streamName("q"));
        }
        assertControlPlaneThrottled(() -> clients.kvs.listTagsForStream(b -> b.streamName("q")));
        // Another stream has its own five.
        assertThat(clients.kvs.listTagsForStream(b -> b.streamName("r")).tags())
                .containsEntry("site", "dock");
        clock.advance(Duration.ofSeconds(1));
        clients.kvs.listTagsForStream(b -> b.streamName("q"));
    }

    @Test
    void listTagsForStreamAllowsFiftyPerSecondPerAccount() {
        for (int s = 0; s < 11; s++) {
            localKvs.createStream("t-" + s);
        }
        for (int s = 0; s < 10; s++) {
            String name = "t-" + s;
            for (int i = 0; i < 5; i++) {
                clients.kvs.listTagsForStream(b -> b.streamName(name));
            }
        }
        // t-10 has not been asked yet: the account's 50 are what refuse it.
        assertControlPlaneThrottled(() -> clients.kvs.listTagsForStream(b -> b.streamName("t-10")));
        clock.advance(Duration.ofSeconds(1));
        clients.kvs.listTagsForStream(b -> b.streamName("t-10"));
    }

    @Test
    void withoutEnforcementNothingIsThrottled() {
        try (LocalKvs free = LocalKvs.builder().clock(clock).build().start();
                KvsTestClients freeClients = new KvsTestClients(free)) {
            free.createStream("q").appendArchived(new TestMedia("q", 3, 2000), T, 30);
            for (int i = 0; i < 30; i++) {
                freeClients.kvs.getDataEndpoint(
                        r -> r.streamName("q").apiName(APIName.GET_HLS_STREAMING_SESSION_URL));
            }
            String url = freeClients.sessionUrl(r -> r.streamName("q"));
            for (int i = 0; i < 10; i++) {
                freeClients.getText(url);
            }
        }
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
