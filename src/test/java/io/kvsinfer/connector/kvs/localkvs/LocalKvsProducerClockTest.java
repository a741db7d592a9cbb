package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camera clocks that are not the service's: skewed, jumping back, repeating a timestamp. Server
 * timestamps follow the service's clock; PRODUCER_TIMESTAMP playlists list fragments in ingestion
 * order and keep only the oldest ingested of equal producer timestamps, as AWS documents.
 */
class LocalKvsProducerClockTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private final ManualClock clock = new ManualClock(NOW);

    @RegisterExtension
    final LocalKvsExtension localKvsExtension =
            LocalKvsExtension.with(b -> b.clock(clock).retention(Duration.ofHours(3)));

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

    private List<String> onDemandNumbers(String stream, String selector, long from, long to) {
        Instant start = Instant.ofEpochMilli(from);
        Instant end = Instant.ofEpochMilli(to);
        String url =
                clients.sessionUrl(
                        b ->
                                b.streamName(stream)
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.fragmentSelectorType(selector)
                                                                .timestampRange(
                                                                        r ->
                                                                                r.startTimestamp(
                                                                                                start)
                                                                                        .endTimestamp(
                                                                                                end))));
        return playlistNumbers(url);
    }

    private List<String> playlistNumbers(String sessionUrl) {
        String media = KvsTestClients.mediaPlaylistUrl(sessionUrl, clients.getText(sessionUrl));
        return new Playlist(clients.getText(media)).fragmentNumbers();
    }

    private static List<String> numbers(List<FragmentRecord> records) {
        return records.stream().map(FragmentRecord::fragmentNumber).collect(Collectors.toList());
    }

    @Test
    void aSkewedCameraStampsItsOwnTimeWhileServerTimestampsFollowTheService() {
        LocalKvsStream stream = localKvs.createStream("skew");
        LiveProducer camera = stream.startLive(new TestMedia("s", 4, 2000));
        camera.clockOffset(Duration.ofSeconds(-90));
        clock.advance(Duration.ofSeconds(6));
        List<FragmentRecord> records = stream.fragments();
        assertThat(records).hasSize(3);
        for (int k = 0; k < records.size(); k++) {
            assertThat(records.get(k).serverMillis()).isEqualTo(NOW + 2000L * k + 100);
            assertThat(records.get(k).producerMillis()).isEqualTo(NOW + 2000L * k - 90_000);
        }
    }

    @Test
    void aClockJumpingBackIsListedInIngestionOrderByProducerTimestamp() {
        LocalKvsStream stream = localKvs.createStream("jump");
        LiveProducer camera = stream.startLive(new TestMedia("j", 4, 2000));
        clock.advance(Duration.ofSeconds(10));
        camera.jumpClock(Duration.ofHours(-1));
        clock.advance(Duration.ofSeconds(10));
        List<FragmentRecord> records = stream.fragments();
        assertThat(records).hasSize(10);
        assertThat(records.get(5).producerMillis()).isEqualTo(NOW + 10_000 - HOUR);
        assertThat(records.get(5).serverMillis()).isEqualTo(NOW + 10_100);

        // From the first ingested fragment in range, in ingestion order: not timestamp order.
        assertThat(onDemandNumbers("jump", "PRODUCER_TIMESTAMP", NOW - 2 * HOUR, NOW + HOUR))
                .containsExactlyElementsOf(numbers(records));
        assertThat(onDemandNumbers("jump", "PRODUCER_TIMESTAMP", NOW - HOUR, NOW - HOUR + 20_000))
                .containsExactlyElementsOf(numbers(records.subList(5, 10)));
        // Server timestamps never jump.
        assertThat(onDemandNumbers("jump", "SERVER_TIMESTAMP", NOW, NOW + 20_000))
                .containsExactlyElementsOf(numbers(records));
        // ListFragments lists every fragment in range in ingestion order too.
        Instant from = Instant.ofEpochMilli(NOW - 2 * HOUR);
        Instant to = Instant.ofEpochMilli(NOW + HOUR);
        List<Fragment> listed =
                clients.media
                        .listFragments(
                                b ->
                                        b.streamName("jump")
                                                .fragmentSelector(
                                                        s ->
                                                                s.fragmentSelectorType(
                                                                                "PRODUCER_TIMESTAMP")
                                                                        .timestampRange(
                                                                                r ->
                                                                                        r.startTimestamp(
                                                                                                        from)
                                                                                                .endTimestamp(
                                                                                                        to))))
                        .fragments();
        assertThat(listed.stream().map(Fragment::fragmentNumber))
                .containsExactlyElementsOf(numbers(records));
    }

    @Test
    void ofEqualProducerTimestampsOnlyTheOldestIngestedIsServed() {
        LocalKvsStream stream = localKvs.createStream("dup");
        LiveProducer camera = stream.startLive(new TestMedia("d", 4, 2000));
        clock.advance(Duration.ofSeconds(4));
        camera.repeatTimestamps(2);
        clock.advance(Duration.ofSeconds(8));
        List<FragmentRecord> records = stream.fragments();
        assertThat(records).hasSize(6);
        assertThat(records.subList(1, 4))
                .extracting(FragmentRecord::producerMillis)
                .containsOnly(NOW + 2000);
        assertThat(records.get(4).producerMillis()).isEqualTo(NOW + 8000);
        List<String> served =
                numbers(List.of(records.get(0), records.get(1), records.get(4), records.get(5)));

        assertThat(onDemandNumbers("dup", "PRODUCER_TIMESTAMP", NOW, NOW + 60_000))
                .containsExactlyElementsOf(served);
        Consumer<GetHlsStreamingSessionUrlRequest.Builder> live =
                b ->
                        b.streamName("dup")
                                .maxMediaPlaylistFragmentResults(10L)
                                .hlsFragmentSelector(
                                        s -> s.fragmentSelectorType("PRODUCER_TIMESTAMP"));
        assertThat(playlistNumbers(clients.sessionUrl(live))).containsExactlyElementsOf(served);
        // Server timestamps differ, so SERVER_TIMESTAMP sessions serve every fragment.
        assertThat(onDemandNumbers("dup", "SERVER_TIMESTAMP", NOW, NOW + 12_000))
                .containsExactlyElementsOf(numbers(records));
    }
}
