package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.localkvs.Corruption;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.KvsConnectionException;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.metrics.ConnectionState;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.configuration.MemorySize;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The failure paths of a camera: every failing operation counts against the error limit and backs
 * off by the multiplier, bugs are not retried, a configured camera with no stream is an error, a
 * wake-up does not cut a backoff short, and cancelling is not an error.
 */
class CameraFetcherFailuresTest {

    private static final int FPS = 15;

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static FragmentedMedia camera;
    private static CameraFetchers fetchers;
    private static int streams;

    private CameraMetrics metrics;
    private CameraFetcher<FrameKey> fetcher;

    @BeforeAll
    static void start() {
        camera = SyntheticCamera.encode(160, 120, FPS);
        fetchers = new CameraFetchers(LOCAL_KVS.endpoint());
    }

    @AfterAll
    static void stop() {
        fetchers.close();
    }

    @AfterEach
    void closeFetcher() {
        LOCAL_KVS.kvs().faults().clear();
        if (fetcher != null) {
            fetcher.close();
        }
    }

    private static LocalKvs kvs() {
        return LOCAL_KVS.kvs();
    }

    /** An archived stream, read from its start: fragments are there at once. */
    private static String archivedStream(int fragments) {
        String name = "fail-" + (++streams);
        kvs().createStream(name)
                .appendArchived(camera, System.currentTimeMillis() - 600_000, fragments);
        return name;
    }

    private CameraFetcher<FrameKey> fetcherFor(
            String stream, boolean discovered, Consumer<KvsConsumer> options) {
        return fetcherFor(stream, discovered, options, Clock.systemUTC());
    }

    private CameraFetcher<FrameKey> fetcherFor(
            String stream, boolean discovered, Consumer<KvsConsumer> options, Clock clock) {
        KvsSourceConfig config =
                CameraFetchers.config(conf -> options.accept(new KvsConsumer(conf)));
        return fetcherFor(stream, discovered, config, CameraFetchers.decoder(config), clock);
    }

    private CameraFetcher<FrameKey> fetcherFor(
            String stream,
            boolean discovered,
            KvsSourceConfig config,
            FragmentDecoder decoder,
            Clock clock) {
        metrics = CameraFetchers.metrics(stream);
        fetcher =
                fetchers.create(
                        new KvsStreamSplit(stream, stream, StartingPosition.earliest(), -1, null),
                        config,
                        decoder,
                        new PixelIndexMapper(),
                        metrics,
                        clock,
                        discovered);
        return fetcher;
    }

    /** Options with the backoff these tests measure: 200 ms doubling, 4 failures at most. */
    private static final class KvsConsumer {
        final org.apache.flink.configuration.Configuration conf;

        KvsConsumer(org.apache.flink.configuration.Configuration conf) {
            this.conf = conf;
            conf.set(KvsSourceOptions.RECONNECT_DELAY, Duration.ofMillis(200));
            conf.set(KvsSourceOptions.MAX_RECONNECT_DELAY, Duration.ofSeconds(5));
            conf.set(KvsSourceOptions.BACKOFF_MULTIPLIER, 2.0);
            conf.set(KvsSourceOptions.MAX_CONSECUTIVE_ERRORS, 4);
        }
    }

    enum Operation {
        INIT_FRAGMENT,
        MEDIA_FRAGMENT,
        TS_FRAGMENT,
        DECODE,
        OVERSIZED_FRAGMENT
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void persistentFailuresOfEveryOperationFailTheCameraAfterTheLimitWithGrowingDelays(
            Operation operation) {
        String stream = archivedStream(20);
        fetcherFor(
                stream,
                false,
                o -> {
                    if (operation == Operation.TS_FRAGMENT) {
                        o.conf.set(KvsSourceOptions.CONTAINER_FORMAT, ContainerFormat.MPEG_TS);
                    }
                    o.conf.set(KvsSourceOptions.MAX_FRAGMENT_SIZE, MemorySize.parse("512kb"));
                });
        LongSupplier failures;
        switch (operation) {
            case INIT_FRAGMENT:
                kvs().faults()
                        .failNext(
                                KvsOperation.GET_MP4_INIT_FRAGMENT,
                                1000,
                                403,
                                "NotAuthorizedException");
                failures = () -> kvs().requestCount(KvsOperation.GET_MP4_INIT_FRAGMENT);
                break;
            case MEDIA_FRAGMENT:
                kvs().faults()
                        .failNext(
                                KvsOperation.GET_MP4_MEDIA_FRAGMENT,
                                1000,
                                403,
                                "NotAuthorizedException");
                failures = () -> kvs().requestCount(KvsOperation.GET_MP4_MEDIA_FRAGMENT);
                break;
            case TS_FRAGMENT:
                kvs().faults().failNext(KvsOperation.GET_TS_FRAGMENT, 1000, 500, "InternalFailure");
                failures = () -> kvs().requestCount(KvsOperation.GET_TS_FRAGMENT);
                break;
            case OVERSIZED_FRAGMENT:
                kvs().faults().corruptNext(1000, Corruption.OVERSIZED);
                failures = () -> metrics.readErrorsCount();
                break;
            default:
                kvs().faults().corruptNext(1000, Corruption.GARBAGE);
                failures = () -> metrics.decodeErrorsCount();
        }
        long before = failures.getAsLong();
        List<Long> failedAt = new ArrayList<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (thrown.get() == null && System.nanoTime() < deadline) {
            try {
                fetcher.fetch();
            } catch (FrameSourceException e) {
                thrown.set(e);
            }
            long now = failures.getAsLong();
            // With prefetching a fragment may be asked for twice per attempt; count attempts by
            // time.
            if (now > before) {
                before = now;
                failedAt.add(System.nanoTime());
            }
        }
        assertThat(thrown.get())
                .as("the camera fails within 30 s")
                .isNotNull()
                .hasMessageContaining("Camera " + stream)
                .hasMessageContaining("max-consecutive-errors 4");
        if (operation == Operation.OVERSIZED_FRAGMENT) {
            assertThat(thrown.get())
                    .hasMessageContaining("4 fragments in a row could not be read")
                    .hasMessageContaining("more than the limit of 524288 bytes")
                    .hasMessageContaining("(source.kvs.max-fragment-size)")
                    .hasMessageContaining("SessionToken=***");
            assertThat(metrics.reconnectsCount()).as("skipped, not retried").isZero();
        }
        assertThat(metrics.state()).isEqualTo(ConnectionState.ERROR);
        assertThat(failedAt)
                .as("one failure per attempt, four attempts")
                .hasSizeGreaterThanOrEqualTo(4);
        List<Long> gapsMillis = new ArrayList<>();
        for (int i = 1; i < failedAt.size(); i++) {
            gapsMillis.add((failedAt.get(i) - failedAt.get(i - 1)) / 1_000_000);
        }
        // 200, 400, 800 ms less up to 20 % jitter: each wait at least the jittered delay, and
        // growing.
        assertThat(gapsMillis.get(0)).isGreaterThanOrEqualTo(160);
        assertThat(gapsMillis.get(1)).isGreaterThanOrEqualTo(320).isGreaterThan(gapsMillis.get(0));
        assertThat(gapsMillis.get(2)).isGreaterThanOrEqualTo(640).isGreaterThan(gapsMillis.get(1));
    }

    @Test
    void aStreamWhoseFragmentsAllFailToDecodeFailsTheCameraWithTheReason() {
        String stream = archivedStream(10);
        fetcherFor(stream, false, o -> {});
        kvs().faults().corruptNext(1000, Corruption.GARBAGE);
        assertThatThrownBy(
                        () -> {
                            for (int i = 0; i < 200; i++) {
                                fetcher.fetch();
                            }
                        })
                .isInstanceOf(FrameSourceException.class)
                .hasMessageContaining("4 fragments in a row could not be read")
                .hasMessageContaining("Camera " + stream);
        assertThat(metrics.decodeErrorsCount()).isEqualTo(4);
    }

    @Test
    void aPlaylistOverItsBoundFailsTheCameraNamingTheOption() {
        String stream = archivedStream(40);
        fetcherFor(
                stream,
                false,
                o -> o.conf.set(KvsSourceOptions.MAX_PLAYLIST_SIZE, MemorySize.parse("1kb")));
        assertThatThrownBy(
                        () -> {
                            for (int i = 0; i < 200; i++) {
                                fetcher.fetch();
                            }
                        })
                .isInstanceOf(FrameSourceException.class)
                .hasMessageContaining("failed 4 times in a row")
                .hasMessageContaining("more than the limit of 1024 bytes")
                .hasMessageContaining("(source.kvs.max-playlist-size)");
        assertThat(metrics.readErrorsCount()).isEqualTo(4);
    }

    @Test
    void aBugIsNotRetriedAsANetworkError() {
        String stream = archivedStream(5);
        KvsSourceConfig config = CameraFetchers.config(o -> {});
        FragmentDecoder decoder = CameraFetchers.decoder(config);
        fetcherFor(stream, false, config, decoder, Clock.systemUTC());
        decoder.close();
        assertThatThrownBy(
                        () -> {
                            for (int i = 0; i < 10; i++) {
                                fetcher.fetch();
                            }
                        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(metrics.readErrorsCount()).isZero();
        assertThat(metrics.reconnectsCount()).isZero();
    }

    @Test
    void aConfiguredCameraWithoutItsStreamIsAnErrorAndADiscoveredOneEnds() {
        fetcherFor(
                "no-such-stream",
                false,
                o -> o.conf.set(KvsSourceOptions.DISCOVERY_STREAM_PREFIX, "no-"));
        assertThatThrownBy(() -> fetcher.fetch())
                .isInstanceOfSatisfying(
                        KvsConnectionException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(KvsConnectionException.Reason.STREAM_NOT_FOUND))
                .hasMessageContaining("Camera no-such-stream (stream no-such-stream)")
                .hasMessageContaining("Check the stream name and the region");
        fetcher.close();

        fetcherFor(
                "no-such-stream",
                true,
                o -> o.conf.set(KvsSourceOptions.DISCOVERY_STREAM_PREFIX, "no-"));
        assertThat(fetcher.fetch()).isEmpty();
        assertThat(fetcher.isFinished())
                .as("a discovered stream that was deleted ends its camera")
                .isTrue();
        assertThat(fetcher.isStreamGone()).as("and says why, for the enumerator").isTrue();
    }

    @Test
    void aWakeUpDoesNotCutABackoffShort() throws Exception {
        String stream = archivedStream(5);
        fetcherFor(
                stream,
                false,
                o -> o.conf.set(KvsSourceOptions.RECONNECT_DELAY, Duration.ofMillis(1500)));
        kvs().faults().failNext(KvsOperation.GET_HLS_MEDIA_PLAYLIST, 1, 500, "InternalFailure");
        long playlists = kvs().requestCount(KvsOperation.GET_HLS_MEDIA_PLAYLIST);
        while (metrics.readErrorsCount() == 0) {
            fetcher.fetch();
        }
        long failedAt = System.nanoTime();
        Thread waker =
                new Thread(
                        () -> {
                            for (int i = 0; i < 5; i++) {
                                sleep(150);
                                fetcher.wakeUp();
                            }
                        });
        waker.start();
        List<FrameKey> frames = new ArrayList<>();
        while (frames.isEmpty()) {
            fetcher.fetch()
                    .forEach(
                            r -> {
                                if (r.kind() == CameraRecord.Kind.FRAME) {
                                    frames.add(r.value());
                                }
                            });
            if (kvs().requestCount(KvsOperation.GET_HLS_MEDIA_PLAYLIST) > playlists + 1) {
                break;
            }
        }
        long retriedAfterMillis = (System.nanoTime() - failedAt) / 1_000_000;
        waker.join();
        // 1500 ms less up to 20 % jitter, whatever woke the fetcher in between.
        assertThat(retriedAfterMillis).isGreaterThanOrEqualTo(1200);
    }

    @Test
    void aBackfillLongerThanASessionRenewsItWithoutReconnecting() {
        FragmentedMedia tiny = SyntheticCamera.encode(64, 48, 5);
        long start = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        var written = kvs().createStream("long-session").appendArchived(tiny, start, 40);
        SkippingClock clock = new SkippingClock();
        KvsSourceConfig config = CameraFetchers.config(o -> {});
        metrics = CameraFetchers.metrics("long-session");
        fetcher =
                fetchers.create(
                        new KvsStreamSplit(
                                "long-session",
                                "long-session",
                                StartingPosition.earliest(),
                                written.get(written.size() - 1).producerEndMillis() - 1,
                                null),
                        config,
                        CameraFetchers.decoder(config),
                        new PixelIndexMapper(),
                        metrics,
                        clock,
                        false);
        List<FrameKey> frames = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        boolean skipped = false;
        while (!fetcher.isFinished()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            fetcher.fetch().stream()
                    .filter(r -> r.kind() == CameraRecord.Kind.FRAME)
                    .forEach(r -> frames.add(r.value()));
            if (!skipped && frames.size() > 20) {
                // The listing session's 300 s are nearly gone while 30-odd fragments wait in the
                // queue.
                clock.skip(Duration.ofSeconds(290));
                skipped = true;
            }
        }
        assertThat(new FrameSequenceVerifier(written, 5).assertContiguous(frames))
                .hasSize(40 * tiny.frameCount(0));
        assertThat(metrics.urlRefreshesCount()).isPositive();
        assertThat(metrics.reconnectsCount()).isZero();
        assertThat(metrics.readErrorsCount()).isZero();
    }

    @Test
    void anAnswerSlowerThanTheHttpTimeoutIsOneReadErrorAndNothingIsLost() {
        FragmentedMedia tiny = SyntheticCamera.encode(64, 48, 5);
        long start = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        var written = kvs().createStream("slow").appendArchived(tiny, start, 6);
        KvsSourceConfig config = CameraFetchers.config(o -> {});
        metrics = CameraFetchers.metrics("slow");
        fetcher =
                fetchers.create(
                        new KvsStreamSplit(
                                "slow",
                                "slow",
                                StartingPosition.earliest(),
                                written.get(written.size() - 1).producerEndMillis() - 1,
                                null),
                        config,
                        CameraFetchers.decoder(config),
                        new PixelIndexMapper(),
                        metrics,
                        Clock.systemUTC(),
                        false);
        // The fetchers' HTTP client gives up after 3 s; this answer takes 5.
        kvs().faults().delay(KvsOperation.GET_MP4_MEDIA_FRAGMENT, Duration.ofSeconds(5), 1);
        List<FrameKey> frames = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!fetcher.isFinished()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            fetcher.fetch().stream()
                    .filter(r -> r.kind() == CameraRecord.Kind.FRAME)
                    .forEach(r -> frames.add(r.value()));
        }
        assertThat(new FrameSequenceVerifier(written, 5).assertContiguous(frames))
                .hasSize(6 * tiny.frameCount(0));
        assertThat(metrics.readErrorsCount()).isEqualTo(1);
        assertThat(metrics.reconnectsCount()).isEqualTo(1);
    }

    @Test
    void cancellingIsNotAnError() throws Exception {
        String stream = archivedStream(5);
        fetcherFor(stream, false, o -> {});
        kvs().faults().delay(KvsOperation.GET_HLS_MEDIA_PLAYLIST, Duration.ofSeconds(2), 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread task =
                new Thread(
                        () -> {
                            try {
                                for (int i = 0; i < 3; i++) {
                                    fetcher.fetch();
                                }
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        });
        task.start();
        sleep(700);
        task.interrupt();
        task.join(10_000);
        assertThat(task.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(metrics.readErrorsCount()).isZero();
        assertThat(metrics.state())
                .isNotEqualTo(ConnectionState.RECONNECTING)
                .isNotEqualTo(ConnectionState.ERROR);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
