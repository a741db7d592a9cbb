package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LiveProducer;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.LocalKvsStream;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.config.FragmentSelectorType;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clocks that disagree, end to end through LocalKvs, the AWS SDK, HTTP and FFmpeg: a host clock
 * ahead of the service's (SERVER_TIMESTAMP ranges must end in the service's past), a bounded read
 * whose stop is still in the future, and camera clocks that skew, jump back an hour or repeat a
 * timestamp. Every frame the service serves must come out once, checked by the index drawn in its
 * pixels.
 */
class CameraFetcherClocksTest {

    private static final int FPS = 10;
    private static final long FRAGMENT_MILLIS = 2000;
    private static final long HOUR = 3_600_000L;

    /** Server timestamps equal producer timestamps, so frames check against either. */
    @RegisterExtension
    static final LocalKvsExtension LOCAL_KVS =
            LocalKvsExtension.with(
                    b -> b.ingestionDelay(Duration.ZERO).retention(Duration.ofHours(3)));

    private static LocalKvs kvs;
    private static FragmentedMedia camera;
    private static CameraFetchers fetchers;
    private CameraMetrics metrics;
    private CameraFetcher<FrameKey> fetcher;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        camera = SyntheticCamera.encode(160, 120, FPS);
        fetchers = new CameraFetchers(kvs.endpoint());
    }

    @AfterAll
    static void stop() {
        fetchers.close();
    }

    @AfterEach
    void closeFetcher() {
        kvs.faults().clear();
        if (fetcher != null) {
            fetcher.close();
        }
    }

    private void fetcherFor(
            String stream,
            StartingPosition start,
            long stopMillis,
            Consumer<Configuration> options,
            Clock clock) {
        KvsStreamSplit split = new KvsStreamSplit(stream, stream, start, stopMillis, null);
        KvsSourceConfig config = CameraFetchers.config(options);
        metrics = CameraFetchers.metrics(stream);
        fetcher =
                fetchers.create(
                        split,
                        config,
                        CameraFetchers.decoder(config),
                        new PixelIndexMapper(),
                        metrics,
                        clock,
                        false);
    }

    private static Consumer<Configuration> serverTimestamps() {
        return c ->
                c.set(KvsSourceOptions.FRAGMENT_SELECTOR, FragmentSelectorType.SERVER_TIMESTAMP);
    }

    /** Fetches into {@code frames} until {@code done} holds or the camera finished. */
    private void readUntil(
            List<FrameKey> frames, Predicate<List<FrameKey>> done, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done.test(frames) && !fetcher.isFinished()) {
            assertThat(System.currentTimeMillis())
                    .as("frames arrive in time; got %s", frames.size())
                    .isLessThan(deadline);
            for (CameraRecord<FrameKey> record : fetcher.fetch()) {
                if (record.kind() == CameraRecord.Kind.FRAME) {
                    frames.add(record.value());
                }
            }
        }
    }

    private static long lastTimestamp(List<FrameKey> frames) {
        return frames.isEmpty() ? Long.MIN_VALUE : frames.get(frames.size() - 1).timestampMillis;
    }

    private static void waitForFragments(String stream, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (kvs.stream(stream).fragments().size() < count) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * The frames the service serves with PRODUCER_TIMESTAMP, in ingestion order: every fragment but
     * those repeating an older one's producer timestamp, as "timestamp#pixel index".
     */
    private static List<String> servedFrames(String stream) {
        List<String> frames = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (FragmentRecord r : kvs.stream(stream).fragments()) {
            if (!seen.add(r.producerMillis())) {
                continue;
            }
            for (int i = 0; i < r.frameCount(); i++) {
                long ts = r.producerMillis() + Math.round(i * 1000.0 / FPS);
                frames.add(ts + "#" + (r.mediaIndex() * r.frameCount() + i));
            }
        }
        return frames;
    }

    /** The frames are a run of what the service serves: each once, in order, none left out. */
    private static void assertEveryServedFrameOnce(String stream, List<FrameKey> frames) {
        List<String> emitted = new ArrayList<>();
        frames.forEach(f -> emitted.add(f.timestampMillis + "#" + f.pixelIndex));
        List<String> served = servedFrames(stream);
        int first = served.indexOf(emitted.get(0));
        assertThat(first)
                .as("the first frame %s is one the service serves", emitted.get(0))
                .isNotNegative();
        assertThat(first + emitted.size()).isLessThanOrEqualTo(served.size());
        assertThat(emitted)
                .containsExactlyElementsOf(served.subList(first, first + emitted.size()));
    }

    // ---- A: SERVER_TIMESTAMP ranges and a host clock ahead of the service's -----------------

    /**
     * Four minutes of archive then live, read from the archive's start with SERVER_TIMESTAMP while
     * the host's clock runs ahead of LocalKvs's by {@code aheadSeconds}: ranges that end in the
     * service's future are rejected until the source ends them far enough back; no frame is lost or
     * repeated across the catch-up and the hand-over to live.
     */
    @ParameterizedTest(name = "host clock {0} s ahead")
    @ValueSource(ints = {10, 120})
    void serverTimestampCatchUpWithTheHostClockAhead(int aheadSeconds) throws Exception {
        String name = "server-behind-" + aheadSeconds;
        long now = System.currentTimeMillis();
        int archived = 120;
        long start = now - archived * FRAGMENT_MILLIS - 1000;
        LocalKvsStream stream = kvs.createStream(name);
        stream.appendArchived(camera, start, archived);
        stream.startLive(camera);
        SkippingClock clock = new SkippingClock();
        clock.skip(Duration.ofSeconds(aheadSeconds));
        long sessionsBefore = kvs.requestCount(KvsOperation.GET_HLS_STREAMING_SESSION_URL);
        fetcherFor(name, StartingPosition.fromTimestamp(start), -1, serverTimestamps(), clock);

        List<FrameKey> frames = new ArrayList<>();
        long liveFrom = now + 4000;
        readUntil(frames, f -> lastTimestamp(f) >= liveFrom, 90_000);

        List<Long> indices =
                new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS)
                        .assertContiguous(frames);
        assertThat(indices.get(0)).as("from the first archived frame").isZero();
        assertThat(metrics.readErrorsCount()).as("a lagging service clock is no error").isZero();
        assertThat(kvs.requestCount(KvsOperation.GET_HLS_STREAMING_SESSION_URL) - sessionsBefore)
                .as("rejected ranges were asked again, ending earlier")
                .isGreaterThan(1);
    }

    /**
     * A bounded read whose stop is 12 s in the future, with the host's clock 10 s ahead: it reads
     * the archive, then what the camera adds in later sessions, and finishes once the stop is past,
     * with every frame up to the stop once.
     */
    @Test
    void aBoundedReadWithTheStopInTheFutureFinishesWithEveryFrame() throws Exception {
        boundedReadWithTheStopInTheFuture("future-stop-server", serverTimestamps(), 10);
    }

    @Test
    void aBoundedReadWithTheStopInTheFutureFinishesWithEveryFrameByProducerTimestamp()
            throws Exception {
        boundedReadWithTheStopInTheFuture("future-stop-producer", c -> {}, 0);
    }

    private void boundedReadWithTheStopInTheFuture(
            String name, Consumer<Configuration> options, int aheadSeconds) throws Exception {
        long now = System.currentTimeMillis();
        int archived = 10;
        long start = now - archived * FRAGMENT_MILLIS - 1000;
        LocalKvsStream stream = kvs.createStream(name);
        stream.appendArchived(camera, start, archived);
        stream.startLive(camera);
        long stop = now + 12_000;
        SkippingClock clock = new SkippingClock();
        clock.skip(Duration.ofSeconds(aheadSeconds));
        fetcherFor(name, StartingPosition.fromTimestamp(start), stop, options, clock);

        List<FrameKey> frames = new ArrayList<>();
        readUntil(frames, f -> false, 60_000);

        assertThat(fetcher.isFinished()).isTrue();
        assertThat(System.currentTimeMillis())
                .as("finished once the stop was past")
                .isGreaterThan(stop);
        List<Long> indices =
                new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS)
                        .assertContiguous(frames);
        assertThat(indices.get(0)).isZero();
        assertThat(lastTimestamp(frames))
                .as("every frame up to the stop")
                .isGreaterThan(stop - 1000 / FPS);
        assertThat(lastTimestamp(frames)).isLessThanOrEqualTo(stop);
        assertThat(metrics.readErrorsCount()).isZero();
    }

    // ---- B: camera clocks --------------------------------------------------------------------

    @Test
    void aCameraClockThatJumpsBackAnHourKeepsEmittingEveryFrameOnce() throws Exception {
        String name = "jump-back";
        LiveProducer producer = kvs.createStream(name).startLive(camera);
        waitForFragments(name, 1);
        fetcherFor(name, StartingPosition.latest(), -1, c -> {}, Clock.systemUTC());
        List<FrameKey> frames = new ArrayList<>();
        readUntil(frames, f -> f.size() >= 2 * FPS, 30_000);

        long jumpedAt = System.currentTimeMillis();
        producer.jumpClock(Duration.ofHours(-1));
        readUntil(frames, f -> countBefore(f, jumpedAt - HOUR / 2) >= 3 * 2 * FPS, 30_000);
        // A failure after the jump: the camera reads on after the last fragment ingested.
        kvs.faults().expireAllSessions();
        int before = frames.size();
        readUntil(frames, f -> f.size() >= before + 2 * 2 * FPS, 30_000);

        assertEveryServedFrameOnce(name, frames);
        assertThat(countBefore(frames, jumpedAt - HOUR / 2)).isGreaterThanOrEqualTo(5 * 2 * FPS);
    }

    /**
     * After a jump back, the reader stalls for longer than the live window holds (and, by its
     * clock, for longer than the live hand-over), then its session fails: it must read on from the
     * fragment ingested last, not the latest stamped, or the fragments stamped after the jump that
     * left the live window meanwhile are skipped.
     */
    @Test
    void aFailureLongAfterAJumpBackReadsOnFromTheFragmentIngestedLast() throws Exception {
        String name = "jump-back-stall";
        LiveProducer producer = kvs.createStream(name).startLive(camera);
        waitForFragments(name, 1);
        SkippingClock clock = new SkippingClock();
        fetcherFor(name, StartingPosition.latest(), -1, c -> {}, clock);
        List<FrameKey> frames = new ArrayList<>();
        readUntil(frames, f -> f.size() >= 2 * FPS, 30_000);
        long jumpedAt = System.currentTimeMillis();
        producer.jumpClock(Duration.ofHours(-1));
        readUntil(frames, f -> countBefore(f, jumpedAt - HOUR / 2) >= 2 * FPS, 30_000);

        // The live window holds 5 fragments (10 s): stall for 7 fragments.
        Thread.sleep(7 * FRAGMENT_MILLIS);
        clock.skip(Duration.ofSeconds(60));
        kvs.faults().expireAllSessions();
        int before = frames.size();
        readUntil(frames, f -> f.size() >= before + 10 * 2 * FPS, 60_000);

        assertEveryServedFrameOnce(name, frames);
    }

    private static long countBefore(List<FrameKey> frames, long millis) {
        return frames.stream().filter(f -> f.timestampMillis < millis).count();
    }

    @Test
    void repeatedTimestampsServeTheOldestIngestedAndTheCameraReadsOn() throws Exception {
        String name = "repeats";
        LiveProducer producer = kvs.createStream(name).startLive(camera);
        waitForFragments(name, 1);
        fetcherFor(name, StartingPosition.latest(), -1, c -> {}, Clock.systemUTC());
        List<FrameKey> frames = new ArrayList<>();
        readUntil(frames, f -> f.size() >= 2 * FPS, 30_000);
        producer.repeatTimestamps(2);
        readUntil(frames, f -> f.size() >= 6 * 2 * FPS, 40_000);

        Map<Long, Long> perTimestamp =
                kvs.stream(name).fragments().stream()
                        .collect(
                                Collectors.groupingBy(
                                        FragmentRecord::producerMillis, Collectors.counting()));
        assertThat(perTimestamp.values())
                .as("two fragments repeat the timestamp of the one before them")
                .containsOnlyOnce(3L);
        assertEveryServedFrameOnce(name, frames);
        assertThat(frames.stream().map(f -> f.timestampMillis).distinct().count())
                .isEqualTo(frames.size());
    }

    @Test
    void aSkewedCameraEmitsEveryFrameOnceAcrossAReconnect() throws Exception {
        String name = "skewed";
        LiveProducer producer = kvs.createStream(name).startLive(camera);
        producer.clockOffset(Duration.ofMinutes(-2));
        waitForFragments(name, 1);
        fetcherFor(name, StartingPosition.latest(), -1, c -> {}, Clock.systemUTC());
        List<FrameKey> frames = new ArrayList<>();
        readUntil(frames, f -> f.size() >= 2 * 2 * FPS, 30_000);
        kvs.faults().expireAllSessions();
        readUntil(frames, f -> f.size() >= 5 * 2 * FPS, 30_000);

        assertEveryServedFrameOnce(name, frames);
        assertThat(frames.get(0).timestampMillis)
                .as("frames carry the camera's timestamps")
                .isLessThan(System.currentTimeMillis() - 100_000);
    }
}
