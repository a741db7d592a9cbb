package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ResourceNotFoundException;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HLS sessions end to end: SDK for the session URL, plain HTTP for playlists and fragments. */
class LocalKvsHlsTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long T = NOW - 3_600_000L;

    private final ManualClock clock = new ManualClock(NOW);

    @RegisterExtension
    final LocalKvsExtension localKvsExtension = LocalKvsExtension.with(b -> b.clock(clock));

    private LocalKvs localKvs;
    private KvsTestClients clients;

    @BeforeEach
    void start() {
        localKvs = localKvsExtension.kvs();
        clients = new KvsTestClients(localKvs);
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    private String session(Consumer<GetHlsStreamingSessionUrlRequest.Builder> request) {
        return clients.sessionUrl(request);
    }

    private String mediaPlaylistUrl(String sessionUrl) {
        return KvsTestClients.mediaPlaylistUrl(sessionUrl, clients.getText(sessionUrl));
    }

    private Playlist playlist(String mediaPlaylistUrl) {
        return new Playlist(clients.getText(mediaPlaylistUrl));
    }

    private static Consumer<GetHlsStreamingSessionUrlRequest.Builder> onDemand(
            String stream, String selector, long start, long end) {
        return b ->
                b.streamName(stream)
                        .playbackMode("ON_DEMAND")
                        .hlsFragmentSelector(
                                s ->
                                        s.fragmentSelectorType(selector)
                                                .timestampRange(range(start, end)));
    }

    @Test
    void onDemandIsAStaticVodPlaylistWithEndlist() {
        List<FragmentRecord> records =
                localKvs.createStream("od").appendArchived(new TestMedia("od", 7, 2000), T, 20);
        String url = session(onDemand("od", "PRODUCER_TIMESTAMP", T + 2000, T + 20_000));
        String mediaUrl = mediaPlaylistUrl(url);
        HttpResponse<byte[]> response = clients.get(mediaUrl);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-mpegURL");
        Playlist playlist = new Playlist(new String(response.body(), StandardCharsets.UTF_8));

        String token = url.substring(url.indexOf("SessionToken=") + "SessionToken=".length());
        assertThat(playlist.lines.subList(0, 7))
                .containsExactly(
                        "#EXTM3U",
                        "#EXT-X-VERSION:7",
                        "#EXT-X-PLAYLIST-TYPE:VOD",
                        "#EXT-X-TARGETDURATION:2",
                        "#EXT-X-MEDIA-SEQUENCE:0",
                        "#EXT-X-INDEPENDENT-SEGMENTS",
                        "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken="
                                + token
                                + "&TrackNumber=1&SequenceNumber=0\"");
        assertThat(playlist.lines.get(playlist.lines.size() - 1)).isEqualTo("#EXT-X-ENDLIST");
        // Both bounds inclusive: fragments starting at T+2 s through T+20 s.
        assertThat(playlist.fragmentNumbers())
                .containsExactlyElementsOf(
                        records.subList(1, 11).stream()
                                .map(FragmentRecord::fragmentNumber)
                                .toList());
        assertThat(playlist.values("#EXTINF:")).hasSize(10).containsOnly("2.0,");
        // PRODUCER_TIMESTAMP defaults to DiscontinuityMode NEVER, DisplayFragmentTimestamp to
        // NEVER.
        assertThat(playlist.shape()).isEqualTo("M" + "F".repeat(10));
        assertThat(playlist.count("#EXT-X-PROGRAM-DATE-TIME")).isZero();
        assertThat(playlist.uris().get(0))
                .isEqualTo(
                        "getMP4MediaFragment.mp4?FragmentNumber="
                                + records.get(1).fragmentNumber()
                                + "&SessionToken="
                                + token
                                + "&TrackNumber=1");

        HttpResponse<byte[]> fragment =
                clients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(0)));
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(fragment.headers().firstValue("Content-Length"))
                .hasValue(Integer.toString(TestMedia.FRAGMENT_BYTES));
        FragmentRecord second = records.get(1);
        assertThat(TestMedia.header(fragment.body()))
                .isEqualTo(
                        TestMedia.mp4Text("od", 1, second.producerMillis(), second.sequence() + 1));
        String initUrl =
                KvsTestClients.resolve(
                        mediaUrl,
                        "getMP4InitFragment.mp4?SessionToken=" + token + "&TrackNumber=1");
        HttpResponse<byte[]> init = clients.get(initUrl);
        assertThat(init.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(new String(init.body(), StandardCharsets.US_ASCII)).isEqualTo("INIT|od");

        // Static: the same playlist later, even as time passes.
        clock.advance(Duration.ofSeconds(30));
        assertThat(clients.getText(mediaUrl)).isEqualTo(playlist.text);
    }

    @Test
    void onDemandHonoursMaxResultsAndDefaultsTo1000() {
        localKvs.createStream("od-many").appendArchived(new TestMedia("m", 3, 1000), T, 1100);
        Playlist all =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        onDemand(
                                                "od-many",
                                                "PRODUCER_TIMESTAMP",
                                                T,
                                                T + 2_000_000))));
        assertThat(all.uris()).hasSize(1000);
        Playlist three =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        b ->
                                                onDemand(
                                                                "od-many",
                                                                "PRODUCER_TIMESTAMP",
                                                                T,
                                                                T + 2_000_000)
                                                        .accept(
                                                                b.maxMediaPlaylistFragmentResults(
                                                                        3L)))));
        assertThat(three.uris()).hasSize(3);
        assertThat(three.count("#EXT-X-ENDLIST")).isEqualTo(1);
    }

    @Test
    void serverTimestampSelectionLabelsWithServerTimeAndDefaultsToAlwaysDiscontinuity() {
        List<FragmentRecord> records =
                localKvs.createStream("srv").appendArchived(new TestMedia("s", 5, 2000), T, 6);
        // Server timestamps are 100 ms after producer ones, so the same range selects differently.
        Playlist byServer =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        b ->
                                                onDemand(
                                                                "srv",
                                                                "SERVER_TIMESTAMP",
                                                                T + 2050,
                                                                T + 6050)
                                                        .accept(
                                                                b.displayFragmentTimestamp(
                                                                        "ALWAYS")))));
        assertThat(byServer.fragmentNumbers())
                .containsExactly(records.get(1).fragmentNumber(), records.get(2).fragmentNumber());
        assertThat(byServer.values("#EXT-X-PROGRAM-DATE-TIME:"))
                .containsExactly(
                        Instant.ofEpochMilli(T + 2100).toString(),
                        Instant.ofEpochMilli(T + 4100).toString());
        assertThat(byServer.values("#EXT-X-PROGRAM-DATE-TIME:").get(0))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.100Z");
        // AWS's ALWAYS shape: one map at the top, a discontinuity after every fragment.
        assertThat(byServer.shape()).isEqualTo("DMFDFD");

        Playlist byProducer =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        b ->
                                                onDemand(
                                                                "srv",
                                                                "PRODUCER_TIMESTAMP",
                                                                T + 2050,
                                                                T + 6050)
                                                        .accept(
                                                                b.displayFragmentTimestamp(
                                                                        "ALWAYS")))));
        assertThat(byProducer.fragmentNumbers())
                .containsExactly(records.get(2).fragmentNumber(), records.get(3).fragmentNumber());
        assertThat(byProducer.values("#EXT-X-PROGRAM-DATE-TIME:"))
                .containsExactly(
                        Instant.ofEpochMilli(T + 4000).toString().replace("Z", ".000Z"),
                        Instant.ofEpochMilli(T + 6000).toString().replace("Z", ".000Z"));
    }

    @Test
    void discontinuityModesAndInitChanges() {
        TestMedia a = new TestMedia("A", 5, 2000);
        TestMedia b = new TestMedia("B", 5, 2000, "V_MPEG/ISO/AVC", 640, 360);
        LocalKvsStream stream = localKvs.createStream("disc");
        stream.appendArchived(a, T, 5); // ends T+10000
        stream.appendArchived(a, T + 10_030, 5); // a 30 ms gap: not a discontinuity; ends T+20030
        stream.appendArchived(a, T + 21_030, 5); // a 1 s gap; ends T+31030
        stream.appendArchived(b, T + 31_030, 3); // contiguous, but a new init segment
        long end = T + 40_000;

        Playlist onDiscontinuity =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        r ->
                                                onDemand("disc", "PRODUCER_TIMESTAMP", T, end)
                                                        .accept(
                                                                r.discontinuityMode(
                                                                        "ON_DISCONTINUITY")))));
        assertThat(onDiscontinuity.shape())
                .isEqualTo("M" + "F".repeat(10) + "DM" + "F".repeat(5) + "DM" + "FFF");
        List<String> maps = onDiscontinuity.values("#EXT-X-MAP:URI=");
        assertThat(maps.get(0)).isEqualTo(maps.get(1)); // the gap keeps the init segment
        assertThat(maps.get(2)).isNotEqualTo(maps.get(0)).contains("InitId=");

        Playlist never =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        r ->
                                                onDemand("disc", "PRODUCER_TIMESTAMP", T, end)
                                                        .accept(r.discontinuityMode("NEVER")))));
        assertThat(never.shape()).isEqualTo("M" + "F".repeat(15) + "DM" + "FFF");

        Playlist always =
                playlist(
                        mediaPlaylistUrl(
                                session(
                                        r ->
                                                onDemand("disc", "PRODUCER_TIMESTAMP", T, end)
                                                        .accept(r.discontinuityMode("ALWAYS")))));
        assertThat(always.shape()).isEqualTo("DM" + "FD".repeat(15) + "M" + "FD".repeat(3));

        // Each map URL serves its own init segment.
        String mediaUrl =
                mediaPlaylistUrl(
                        session(
                                r ->
                                        onDemand("disc", "PRODUCER_TIMESTAMP", T, end)
                                                .accept(r.discontinuityMode("ON_DISCONTINUITY"))));
        List<String> urls = playlist(mediaUrl).values("#EXT-X-MAP:URI=");
        assertThat(clients.getText(KvsTestClients.resolve(mediaUrl, urls.get(0).replace("\"", ""))))
                .isEqualTo("INIT|A");
        assertThat(clients.getText(KvsTestClients.resolve(mediaUrl, urls.get(2).replace("\"", ""))))
                .isEqualTo("INIT|B");
    }

    @Test
    void masterPlaylistDescribesTheVideo() {
        localKvs.createStream("master").appendArchived(new TestMedia("x", 2, 2000), T, 2);
        String url = session(onDemand("master", "PRODUCER_TIMESTAMP", T, T + 5000));
        HttpResponse<byte[]> response = clients.get(url);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-mpegURL");
        String token = url.substring(url.indexOf("SessionToken=") + "SessionToken=".length());
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "#EXTM3U\n"
                                + "#EXT-X-VERSION:1\n"
                                + "#EXT-X-STREAM-INF:CODECS=\"avc1.42c01f\",RESOLUTION=1280x720,FRA"
                                + "ME-RATE=15.0,BANDWIDTH=4000\n"
                                + "getHLSMediaPlaylist.m3u8?SessionToken="
                                + token
                                + "&TrackNumber=1\n");
    }

    @Test
    void mpegTsUsesTsFragmentUrlsAndNoMap() {
        List<FragmentRecord> records =
                localKvs.createStream("ts").appendArchived(new TestMedia("t", 4, 2000), T, 4);
        String mediaUrl =
                mediaPlaylistUrl(
                        session(
                                r ->
                                        onDemand("ts", "PRODUCER_TIMESTAMP", T, T + 10_000)
                                                .accept(r.containerFormat("MPEG_TS"))));
        Playlist playlist = playlist(mediaUrl);
        assertThat(playlist.single("#EXT-X-VERSION:")).isEqualTo("3");
        assertThat(playlist.count("#EXT-X-MAP")).isZero();
        assertThat(playlist.uris())
                .allMatch(
                        u ->
                                u.matches(
                                        "getTSFragment\\.ts\\?FragmentNumber=\\d{47}&SessionT"
                                                + "oken=[A-Za-z0-9_-]+~&TrackNumber=1"));
        HttpResponse<byte[]> fragment =
                clients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(2)));
        assertThat(fragment.headers().firstValue("Content-Type")).hasValue("video/mp2t");
        assertThat(TestMedia.header(fragment.body()))
                .isEqualTo(TestMedia.tsText("t", 2, records.get(2).producerMillis()));
    }

    @Test
    void fragmentNumbersAreLargeIncreasingAndUnique() {
        List<FragmentRecord> records =
                localKvs.createStream("numbers").appendArchived(new TestMedia("n", 3, 2000), T, 50);
        List<FragmentRecord> other =
                localKvs.createStream("numbers-2")
                        .appendArchived(new TestMedia("n", 3, 2000), T, 5);
        BigInteger previous = BigInteger.ZERO;
        for (FragmentRecord r : records) {
            assertThat(r.fragmentNumber()).hasSize(47).containsOnlyDigits();
            BigInteger n = new BigInteger(r.fragmentNumber());
            assertThat(n).isGreaterThan(previous).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
            previous = n;
        }
        assertThat(other.get(0).fragmentNumber()).isNotEqualTo(records.get(0).fragmentNumber());
    }

    @Test
    void fragmentsOutsideTheSessionOrEvictedAre404() {
        LocalKvs small = LocalKvs.builder().clock(clock).maxFragmentsPerStream(10).build().start();
        try (KvsTestClients smallClients = new KvsTestClients(small)) {
            LocalKvsStream stream = small.createStream("evict");
            List<FragmentRecord> first = stream.appendArchived(new TestMedia("e", 3, 2000), T, 10);
            String url =
                    smallClients.sessionUrl(onDemand("evict", "PRODUCER_TIMESTAMP", T, T + 6000));
            String mediaUrl = KvsTestClients.mediaPlaylistUrl(url, smallClients.getText(url));
            Playlist playlist = new Playlist(smallClients.getText(mediaUrl));
            assertThat(playlist.uris()).hasSize(4);
            String outside =
                    playlist.uris()
                            .get(0)
                            .replace(first.get(0).fragmentNumber(), first.get(8).fragmentNumber());
            assertNotFound(smallClients.get(KvsTestClients.resolve(mediaUrl, outside)));
            String unknown = playlist.uris().get(0).replace(first.get(0).fragmentNumber(), "12345");
            assertNotFound(smallClients.get(KvsTestClients.resolve(mediaUrl, unknown)));

            stream.appendArchived(
                    new TestMedia("e", 3, 2000), T + 20_000, 10); // evicts the first ten
            assertThat(stream.fragments()).hasSize(10);
            assertNotFound(
                    smallClients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(0))));
        } finally {
            small.close();
        }
    }

    private static void assertNotFound(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-amzn-ErrorType"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("ResourceNotFoundException:"));
    }

    @Test
    void liveWindowSlidesAndGapsAreNeverBackFilled() {
        LocalKvsStream stream = localKvs.createStream("live");
        LiveProducer producer = stream.startLive(new TestMedia("L", 3, 2000));
        clock.advance(Duration.ofMillis(10_500));
        assertThat(stream.fragments()).hasSize(5);
        String mediaUrl = mediaPlaylistUrl(session(b -> b.streamName("live")));
        Playlist first = playlist(mediaUrl);
        assertThat(first.count("#EXT-X-ENDLIST")).isZero();
        assertThat(first.count("#EXT-X-PLAYLIST-TYPE")).isZero();
        assertThat(first.single("#EXT-X-MEDIA-SEQUENCE:")).isEqualTo("1");
        assertThat(first.uris()).hasSize(5);

        clock.advance(Duration.ofSeconds(4));
        Playlist slid = playlist(mediaUrl);
        List<FragmentRecord> all = stream.fragments();
        assertThat(all).hasSize(7);
        assertThat(slid.single("#EXT-X-MEDIA-SEQUENCE:")).isEqualTo("3");
        assertThat(slid.fragmentNumbers())
                .containsExactlyElementsOf(
                        all.subList(2, 7).stream().map(FragmentRecord::fragmentNumber).toList());
        assertThat(all.stream().map(FragmentRecord::mediaIndex))
                .containsExactly(0, 1, 2, 0, 1, 2, 0);

        // A pause leaves a gap that later playlists never fill.
        producer.pause();
        clock.advance(Duration.ofSeconds(9));
        producer.resume();
        clock.advance(Duration.ofSeconds(4));
        Playlist afterGap = playlist(mediaUrl);
        List<FragmentRecord> now = stream.fragments();
        assertThat(now).hasSize(9);
        assertThat(now.get(7).producerMillis() - now.get(6).producerEndMillis())
                .isGreaterThan(8000);
        assertThat(afterGap.fragmentNumbers())
                .containsExactlyElementsOf(
                        now.subList(4, 9).stream().map(FragmentRecord::fragmentNumber).toList());
        // LIVE uses SERVER_TIMESTAMP, so DiscontinuityMode defaults to ALWAYS.
        assertThat(afterGap.shape()).isEqualTo("DM" + "FD".repeat(5));
    }

    @Test
    void liveSessionDiesAfterThirtySilentSeconds() {
        LocalKvsStream stream = localKvs.createStream("silent");
        LiveProducer producer = stream.startLive(new TestMedia("S", 3, 2000));
        clock.advance(Duration.ofSeconds(6));
        String mediaUrl = mediaPlaylistUrl(session(b -> b.streamName("silent")));
        producer.pause();
        clock.advance(Duration.ofSeconds(29));
        assertThat(playlist(mediaUrl).uris()).hasSize(3);
        clock.advance(Duration.ofSeconds(2));
        HttpResponse<byte[]> dead = clients.get(mediaUrl);
        assertNotFound(dead);
        assertThat(new String(dead.body(), StandardCharsets.UTF_8))
                .contains("No fragments found in the stream for the streaming request.");
        assertThatThrownBy(() -> session(b -> b.streamName("silent")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining(
                        "No fragments found in the stream for the streaming request.");
    }

    @Test
    void liveReplayGrowsOneFragmentPerFragmentDuration() {
        List<FragmentRecord> records =
                localKvs.createStream("replay").appendArchived(new TestMedia("R", 4, 2000), T, 20);
        String mediaUrl =
                mediaPlaylistUrl(
                        session(
                                b ->
                                        b.streamName("replay")
                                                .playbackMode("LIVE_REPLAY")
                                                .hlsFragmentSelector(
                                                        s ->
                                                                s.fragmentSelectorType(
                                                                                "PRODUCER_TIMESTAMP")
                                                                        .timestampRange(
                                                                                range(
                                                                                        T + 4000,
                                                                                        T
                                                                                                + 20_000)))));
        assertThat(playlist(mediaUrl).fragmentNumbers())
                .containsExactly(records.get(2).fragmentNumber());
        clock.advance(Duration.ofMillis(1999));
        assertThat(playlist(mediaUrl).uris()).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(playlist(mediaUrl).uris()).hasSize(2);
        clock.advance(Duration.ofSeconds(10));
        Playlist windowed = playlist(mediaUrl);
        assertThat(windowed.fragmentNumbers())
                .containsExactlyElementsOf(
                        records.subList(4, 9).stream()
                                .map(FragmentRecord::fragmentNumber)
                                .toList());
        assertThat(windowed.single("#EXT-X-MEDIA-SEQUENCE:")).isEqualTo("2");
        assertThat(windowed.count("#EXT-X-ENDLIST")).isZero();
        clock.advance(Duration.ofSeconds(6));
        Playlist ended = playlist(mediaUrl);
        assertThat(ended.fragmentNumbers().get(4)).isEqualTo(records.get(10).fragmentNumber());
        assertThat(ended.count("#EXT-X-ENDLIST")).isEqualTo(1);
    }

    @Test
    void sessionsExpireAfterExpiresSeconds() {
        localKvs.createStream("exp").appendArchived(new TestMedia("x", 2, 2000), T, 3);
        String url =
                session(
                        onDemand(
                                "exp",
                                "PRODUCER_TIMESTAMP",
                                T,
                                T + 5000)); // Expires defaults to 300 s
        String mediaUrl = mediaPlaylistUrl(url);
        Playlist playlist = playlist(mediaUrl);
        String init =
                KvsTestClients.resolve(
                        mediaUrl, playlist.single("#EXT-X-MAP:URI=").replace("\"", ""));
        String fragment = KvsTestClients.resolve(mediaUrl, playlist.uris().get(0));
        String ts = fragment.replace("getMP4MediaFragment.mp4", "getTSFragment.ts");
        clock.advance(Duration.ofSeconds(299));
        for (String u : List.of(url, mediaUrl, init, fragment, ts)) {
            assertThat(clients.get(u).statusCode()).as(u).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(1));
        for (String u : List.of(url, mediaUrl, init, fragment, ts)) {
            HttpResponse<byte[]> response = clients.get(u);
            assertThat(response.statusCode()).as(u).isEqualTo(403);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).isPresent();
            assertThat(new String(response.body(), StandardCharsets.UTF_8))
                    .contains("Streaming session token is expired");
        }
    }

    @Test
    void deletedStreamEndsItsSessions() {
        localKvs.createStream("gone").appendArchived(new TestMedia("g", 2, 2000), T, 3);
        String url = session(onDemand("gone", "PRODUCER_TIMESTAMP", T, T + 5000));
        localKvs.deleteStream("gone");
        assertNotFound(clients.get(url));
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
