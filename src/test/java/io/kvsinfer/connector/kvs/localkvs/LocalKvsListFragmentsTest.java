package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsResponse;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.TimestampRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ListFragments through the real SDK client. */
class LocalKvsListFragmentsTest {

    private static final long T = 1_700_000_000_000L;

    @RegisterExtension
    static final LocalKvsExtension LOCAL_KVS =
            LocalKvsExtension.with(b -> b.clock(new ManualClock(T + 100_000)));

    private static LocalKvs localKvs;
    private static KvsTestClients clients;
    private static List<FragmentRecord> records;

    @BeforeAll
    static void start() {
        localKvs = LOCAL_KVS.kvs();
        clients = new KvsTestClients(localKvs);
        records = localKvs.createStream("lf").appendArchived(new TestMedia("l", 4, 2000), T, 25);
    }

    @AfterAll
    static void stop() {
        clients.close();
    }

    @Test
    void listsEveryFieldAsTheSdkReadsIt() {
        List<Fragment> fragments = clients.media.listFragments(b -> b.streamName("lf")).fragments();
        assertThat(fragments).hasSize(25);
        Fragment third = fragments.get(2);
        FragmentRecord record = records.get(2);
        assertThat(third.fragmentNumber()).isEqualTo(record.fragmentNumber()).hasSize(47);
        assertThat(third.fragmentSizeInBytes()).isEqualTo(TestMedia.FRAGMENT_BYTES);
        assertThat(third.producerTimestamp()).isEqualTo(Instant.ofEpochMilli(T + 4000));
        assertThat(third.serverTimestamp()).isEqualTo(Instant.ofEpochMilli(T + 4100));
        assertThat(third.fragmentLengthInMilliseconds()).isEqualTo(2000);
    }

    @Test
    void selectsByProducerOrServerTimestampWithInclusiveBounds() {
        List<Fragment> byProducer =
                clients.media
                        .listFragments(
                                b ->
                                        b.streamName("lf")
                                                .fragmentSelector(
                                                        s ->
                                                                s.fragmentSelectorType(
                                                                                FragmentSelectorType
                                                                                        .PRODUCER_TIMESTAMP)
                                                                        .timestampRange(
                                                                                range(
                                                                                        T + 2000,
                                                                                        T + 6000))))
                        .fragments();
        assertThat(byProducer)
                .extracting(Fragment::fragmentNumber)
                .containsExactly(
                        records.get(1).fragmentNumber(),
                        records.get(2).fragmentNumber(),
                        records.get(3).fragmentNumber());
        List<Fragment> byServer =
                clients.media
                        .listFragments(
                                b ->
                                        b.streamARN(localKvs.stream("lf").arn())
                                                .fragmentSelector(
                                                        s ->
                                                                s.fragmentSelectorType(
                                                                                FragmentSelectorType
                                                                                        .SERVER_TIMESTAMP)
                                                                        .timestampRange(
                                                                                range(
                                                                                        T + 2000,
                                                                                        T + 6000))))
                        .fragments();
        assertThat(byServer)
                .extracting(Fragment::fragmentNumber)
                .containsExactly(records.get(1).fragmentNumber(), records.get(2).fragmentNumber());
    }

    @Test
    void pagesWithMaxResultsAndNextToken() {
        List<String> numbers = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListFragmentsResponse page =
                    clients.media.listFragments(
                            b -> b.streamName("lf").maxResults(10L).nextToken(next));
            page.fragments().forEach(f -> numbers.add(f.fragmentNumber()));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(numbers)
                .containsExactlyElementsOf(
                        records.stream().map(FragmentRecord::fragmentNumber).toList());
        assertThat(
                        clients.media
                                .listFragmentsPaginator(b -> b.streamName("lf").maxResults(7L))
                                .fragments())
                .hasSize(25);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(
                        () -> clients.media.listFragments(b -> b.streamName("lf").maxResults(0L)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(
                        () ->
                                clients.media.listFragments(
                                        b -> b.streamName("lf").maxResults(1001L)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(
                        () ->
                                clients.media.listFragments(
                                        b ->
                                                b.streamName("lf")
                                                        .fragmentSelector(
                                                                s ->
                                                                        s.fragmentSelectorType(
                                                                                FragmentSelectorType
                                                                                        .SERVER_TIMESTAMP))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(
                        () ->
                                clients.media.listFragments(
                                        b -> b.streamName("lf").nextToken("garbage")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.media.listFragments(b -> b.streamName("missing")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    /**
     * The range from {@code from} to {@code to}, for the SDK's builder (keeps the nested lambdas
     * short).
     */
    private static java.util.function.Consumer<TimestampRange.Builder> range(
            Instant from, Instant to) {
        return r -> r.startTimestamp(from).endTimestamp(to);
    }

    private static java.util.function.Consumer<TimestampRange.Builder> range(
            long fromMillis, long toMillis) {
        return range(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    }
}
