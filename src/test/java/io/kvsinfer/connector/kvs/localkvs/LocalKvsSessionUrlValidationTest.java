package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.NoDataRetentionException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.UnsupportedStreamMediaTypeException;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of the GetHLSStreamingSessionURL field table, through the real SDK client. */
class LocalKvsSessionUrlValidationTest {

    private static final long NOW = 1_700_000_000_000L;

    /** The archive: 100 fragments of 2 s ending exactly at NOW. */
    private static final long ARCHIVE_START = NOW - 200_000L;

    private static final Instant START = Instant.ofEpochMilli(ARCHIVE_START);
    private static final java.util.function.Consumer<HLSTimestampRange.Builder>
            FROM_A_SECOND_AFTER_NOW = r -> r.startTimestamp(Instant.ofEpochMilli(NOW + 1000));
    private static final Instant DAY_LATER = START.plus(Duration.ofHours(24));

    private static final ManualClock clock = new ManualClock(NOW);

    @RegisterExtension
    static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.with(b -> b.clock(clock));

    private static LocalKvs localKvs;
    private static KvsTestClients clients;

    @BeforeAll
    static void start() {
        localKvs = LOCAL_KVS.kvs();
        clients = new KvsTestClients(localKvs);
        localKvs.createStream("val")
                .appendArchived(new TestMedia("v", 10, 2000), ARCHIVE_START, 100);
        localKvs.createStream("val-old")
                .appendArchived(new TestMedia("o", 10, 2000), NOW - 600_000L, 10);
        localKvs.createStream("val-empty");
        localKvs.createStream("val-audio")
                .appendArchived(new TestMedia("a", 1, 2000, "A_AAC", 0, 0), ARCHIVE_START, 1);
    }

    @AfterAll
    static void stop() {
        clients.close();
    }

    private static Arguments invalid(
            String rule, Consumer<GetHlsStreamingSessionUrlRequest.Builder> request) {
        return Arguments.of(rule, request);
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                invalid("neither StreamName nor StreamARN", b -> b.playbackMode("LIVE")),
                invalid(
                        "both StreamName and StreamARN",
                        b ->
                                b.streamName("val")
                                        .streamARN(
                                                "arn:aws:kinesisvideo:us-east-1:123456789012:stream/val/1")),
                invalid("name with a space", b -> b.streamName("val 1")),
                invalid("name with a slash", b -> b.streamName("val/1")),
                invalid("name of 257 characters", b -> b.streamName("v".repeat(257))),
                invalid("empty name", b -> b.streamName("")),
                invalid("malformed ARN", b -> b.streamARN("arn:nope")),
                invalid("unknown PlaybackMode", b -> b.streamName("val").playbackMode("REWIND")),
                invalid(
                        "unknown FragmentSelectorType",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.fragmentSelectorType("CLIENT_TIMESTAMP")
                                                                .timestampRange(
                                                                        range(
                                                                                START,
                                                                                START.plusSeconds(
                                                                                        10))))),
                invalid(
                        "LIVE with a TimestampRange",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                r -> r.startTimestamp(START)))),
                invalid(
                        "LIVE_REPLAY without a selector",
                        b -> b.streamName("val").playbackMode("LIVE_REPLAY")),
                invalid(
                        "LIVE_REPLAY without StartTimestamp",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE_REPLAY")
                                        .hlsFragmentSelector(
                                                s -> s.fragmentSelectorType("SERVER_TIMESTAMP"))),
                invalid(
                        "LIVE_REPLAY with only EndTimestamp",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE_REPLAY")
                                        .hlsFragmentSelector(
                                                s -> s.timestampRange(r -> r.endTimestamp(START)))),
                invalid(
                        "LIVE_REPLAY end before start",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE_REPLAY")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        START.minusSeconds(1))))),
                invalid(
                        "LIVE_REPLAY range over 24 h",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE_REPLAY")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        DAY_LATER.plusMillis(1))))),
                invalid(
                        "ON_DEMAND without a selector",
                        b -> b.streamName("val").playbackMode("ON_DEMAND")),
                invalid(
                        "ON_DEMAND without EndTimestamp",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                r -> r.startTimestamp(START)))),
                invalid(
                        "ON_DEMAND without StartTimestamp",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s -> s.timestampRange(r -> r.endTimestamp(START)))),
                invalid(
                        "ON_DEMAND end equal to start",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s -> s.timestampRange(range(START, START)))),
                invalid(
                        "ON_DEMAND end before start",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        START.minusMillis(1))))),
                invalid(
                        "ON_DEMAND SERVER_TIMESTAMP ending 1 ms after the server's now",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        Instant.ofEpochMilli(
                                                                                NOW + 1))))),
                invalid(
                        "LIVE_REPLAY SERVER_TIMESTAMP ending in the future",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE_REPLAY")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        Instant.ofEpochMilli(
                                                                                NOW + 60_000))))),
                invalid(
                        "ON_DEMAND range over 24 h",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        DAY_LATER.plusMillis(1))))),
                invalid("unknown ContainerFormat", b -> b.streamName("val").containerFormat("MKV")),
                invalid(
                        "unknown DiscontinuityMode",
                        b -> b.streamName("val").discontinuityMode("SOMETIMES")),
                invalid(
                        "unknown DisplayFragmentTimestamp",
                        b -> b.streamName("val").displayFragmentTimestamp("MAYBE")),
                invalid("Expires 299", b -> b.streamName("val").expires(299)),
                invalid(
                        "Expires 60 (the Python reader's minimum)",
                        b -> b.streamName("val").expires(60)),
                invalid("Expires 43201", b -> b.streamName("val").expires(43_201)),
                invalid("Expires negative", b -> b.streamName("val").expires(-1)),
                invalid(
                        "MaxMediaPlaylistFragmentResults 0",
                        b -> b.streamName("val").maxMediaPlaylistFragmentResults(0L)),
                invalid(
                        "MaxMediaPlaylistFragmentResults 5001",
                        b -> b.streamName("val").maxMediaPlaylistFragmentResults(5001L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void rejectsWithInvalidArgument(
            String rule, Consumer<GetHlsStreamingSessionUrlRequest.Builder> request) {
        assertThatThrownBy(() -> clients.sessionUrl(request))
                .isInstanceOf(InvalidArgumentException.class)
                .satisfies(
                        e ->
                                assertThat(((InvalidArgumentException) e).statusCode())
                                        .isEqualTo(400));
    }

    static Stream<Arguments> validEdges() {
        return Stream.of(
                invalid("defaults (LIVE)", b -> b.streamName("val")),
                invalid("by ARN", b -> b.streamARN(localKvs.stream("val").arn())),
                invalid("Expires 300", b -> b.streamName("val").expires(300)),
                invalid("Expires 43200", b -> b.streamName("val").expires(43_200)),
                invalid(
                        "MaxMediaPlaylistFragmentResults 1",
                        b -> b.streamName("val").maxMediaPlaylistFragmentResults(1L)),
                invalid(
                        "MaxMediaPlaylistFragmentResults 5000",
                        b -> b.streamName("val").maxMediaPlaylistFragmentResults(5000L)),
                invalid(
                        "ON_DEMAND range of exactly 24 h (PRODUCER_TIMESTAMP: may end in the"
                                + " future)",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.fragmentSelectorType("PRODUCER_TIMESTAMP")
                                                                .timestampRange(
                                                                        range(START, DAY_LATER)))),
                invalid(
                        "ON_DEMAND SERVER_TIMESTAMP ending exactly at the server's now",
                        b ->
                                b.streamName("val")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.timestampRange(
                                                                range(
                                                                        START,
                                                                        Instant.ofEpochMilli(
                                                                                NOW))))),
                invalid(
                        "LIVE_REPLAY open end",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE_REPLAY")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.fragmentSelectorType("PRODUCER_TIMESTAMP")
                                                                .timestampRange(
                                                                        r ->
                                                                                r.startTimestamp(
                                                                                        START)))),
                invalid(
                        "LIVE with only a selector type",
                        b ->
                                b.streamName("val")
                                        .playbackMode("LIVE")
                                        .hlsFragmentSelector(
                                                s -> s.fragmentSelectorType("PRODUCER_TIMESTAMP"))),
                invalid(
                        "every enum value",
                        b ->
                                b.streamName("val")
                                        .containerFormat("MPEG_TS")
                                        .discontinuityMode("ON_DISCONTINUITY")
                                        .displayFragmentTimestamp("ALWAYS")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validEdges")
    void acceptsEdges(String rule, Consumer<GetHlsStreamingSessionUrlRequest.Builder> request) {
        assertThat(clients.sessionUrl(request))
                .startsWith(
                        localKvs.endpoint() + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=");
    }

    @Test
    void aServerTimestampEndInTheFutureNamesTheEndAndTheServersTime() {
        Instant end = Instant.ofEpochMilli(NOW + 5_000);
        assertThatThrownBy(
                        () ->
                                clients.sessionUrl(
                                        b ->
                                                b.streamName("val")
                                                        .playbackMode("ON_DEMAND")
                                                        .hlsFragmentSelector(
                                                                s ->
                                                                        s.timestampRange(
                                                                                range(
                                                                                        START,
                                                                                        end)))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("End timestamp " + (NOW + 5_000) + " is in the future")
                .hasMessageContaining("SERVER_TIMESTAMP")
                .hasMessageContaining("current server time " + NOW);
    }

    @Test
    void longestValidNameIsCheckedForExistenceOnly() {
        assertThatThrownBy(() -> clients.sessionUrl(b -> b.streamName("v".repeat(256))))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void noFragmentsInRangeIsResourceNotFound() {
        assertThatThrownBy(
                        () ->
                                clients.sessionUrl(
                                        b ->
                                                b.streamName("val")
                                                        .playbackMode("ON_DEMAND")
                                                        .hlsFragmentSelector(
                                                                s ->
                                                                        s.timestampRange(
                                                                                range(
                                                                                        START
                                                                                                .minusSeconds(
                                                                                                        3600),
                                                                                        START
                                                                                                .minusSeconds(
                                                                                                        60))))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(
                        () ->
                                clients.sessionUrl(
                                        b ->
                                                b.streamName("val")
                                                        .playbackMode("LIVE_REPLAY")
                                                        .hlsFragmentSelector(
                                                                s ->
                                                                        s.timestampRange(
                                                                                FROM_A_SECOND_AFTER_NOW))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> clients.sessionUrl(b -> b.streamName("val-empty")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void liveWithNoFragmentInTheLast30SecondsIsResourceNotFound() {
        assertThatThrownBy(() -> clients.sessionUrl(b -> b.streamName("val-old")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining(
                        "No fragments found in the stream for the streaming request.");
    }

    @Test
    void retentionZeroIsNoDataRetention() {
        clients.kvs.createStream(b -> b.streamName("val-noretention"));
        assertThatThrownBy(() -> clients.sessionUrl(b -> b.streamName("val-noretention")))
                .isInstanceOf(NoDataRetentionException.class);
    }

    @Test
    void nonVideoTrackIsUnsupportedMediaType() {
        assertThatThrownBy(() -> clients.sessionUrl(b -> b.streamName("val-audio")))
                .isInstanceOf(UnsupportedStreamMediaTypeException.class);
    }

    /**
     * The range from {@code from} to {@code to}, for the SDK's builder (keeps the nested lambdas
     * short).
     */
    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            Instant from, Instant to) {
        return r -> r.startTimestamp(from).endTimestamp(to);
    }
}
