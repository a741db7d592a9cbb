package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.localkvs.Corruption;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LiveProducer;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.KvsConnectionException;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitState;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;
import io.kvsinfer.connector.kvs.testing.RecordsOnlyOutput;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.metrics.SimpleCounter;

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
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One camera's fetcher against LocalKvs, through the real AWS SDK, HTTP and FFmpeg, with every
 * fault LocalKvs can inject. No frame outside a corrupt fragment may be lost or repeated.
 */
class CameraFetcherTest {

    private static final int FPS = 15;
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static FragmentedMedia camera;
    private static CameraFetchers fetchers;
    private static int streams;
    private CameraMetrics metrics;
    private CameraFetcher<FrameKey> fetcher;

    @BeforeAll
    static void start() {
        kvs = LOCAL_KVS.kvs();
        camera = SyntheticCamera.encode(320, 240, FPS);
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

    private String liveStream() throws InterruptedException {
        String name = "cam-" + (++streams);
        kvs.createStream(name).startLive(camera);
        long deadline = System.currentTimeMillis() + 10_000;
        while (kvs.stream(name).fragments().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        return name;
    }

    private CameraFetcher<FrameKey> fetcherFor(String stream, Consumer<Configuration> options) {
        return fetcherFor(stream, options, Clock.systemUTC());
    }

    private CameraFetcher<FrameKey> fetcherFor(
            String stream, Consumer<Configuration> options, Clock clock) {
        return fetcherFor(
                new KvsStreamSplit(stream, stream, StartingPosition.latest(), -1, null),
                options,
                clock);
    }

    private CameraFetcher<FrameKey> fetcherFor(
            KvsStreamSplit split, Consumer<Configuration> options, Clock clock) {
        fetcher = fetcherFor(split, options, clock, new PixelIndexMapper());
        return fetcher;
    }

    private <T> CameraFetcher<T> fetcherFor(
            KvsStreamSplit split,
            Consumer<Configuration> options,
            Clock clock,
            FrameMapper<T> mapper) {
        KvsSourceConfig config = CameraFetchers.config(options);
        metrics = CameraFetchers.metrics(split.stream());
        return fetchers.create(
                split, config, CameraFetchers.decoder(config), mapper, metrics, clock, false);
    }

    /**
     * Fetches until {@code count} frames arrived, running {@code fault} once after {@code
     * faultAfter} frames.
     */
    private List<FrameKey> read(int count, int faultAfter, Runnable fault) {
        List<FrameKey> frames = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        boolean injected = false;
        while (frames.size() < count) {
            assertThat(System.currentTimeMillis())
                    .as("frames arrive in time; got %s", frames.size())
                    .isLessThan(deadline);
            for (CameraRecord<FrameKey> record : fetcher.fetch()) {
                if (record.kind() == CameraRecord.Kind.FRAME) {
                    frames.add(record.value());
                }
            }
            if (!injected && frames.size() >= faultAfter) {
                fault.run();
                injected = true;
            }
        }
        return frames;
    }

    private static List<Long> assertContiguous(String stream, List<FrameKey> frames) {
        return new FrameSequenceVerifier(kvs.stream(stream).fragments(), FPS)
                .assertContiguous(frames);
    }

    @Test
    void theDefaultMapperCopiesOnTheTaskThreadAndOnTheFetcherOnceAFewFramesAreHeld()
            throws Exception {
        String stream = liveStream();
        try (CameraFetcher<VideoFrame> pooled =
                fetcherFor(
                        new KvsStreamSplit(stream, stream, StartingPosition.latest(), -1, null),
                        c -> {},
                        Clock.systemUTC(),
                        new PooledVideoFrameMapper())) {
            List<CameraRecord<VideoFrame>> waiting = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (waiting.size() < 4) {
                assertThat(System.currentTimeMillis())
                        .as("four frames in time")
                        .isLessThan(deadline);
                for (CameraRecord<VideoFrame> record : pooled.fetch()) {
                    if (record.kind() == CameraRecord.Kind.FRAME) {
                        waiting.add(record);
                    }
                }
            }
            assertThat(waiting.subList(0, 2))
                    .as("held, to be mapped by the emitter on the task thread")
                    .allMatch(r -> r.value() == null && r.unmapped() != null);
            assertThat(waiting.subList(2, waiting.size()))
                    .as("mapped on the fetcher while two frames are held")
                    .allMatch(r -> r.value() != null && r.unmapped() == null);

            List<FrameKey> emitted = new ArrayList<>();
            KvsRecordEmitter<VideoFrame> emitter =
                    new KvsRecordEmitter<>(new SimpleCounter(), new PooledVideoFrameMapper());
            KvsStreamSplitState state =
                    new KvsStreamSplitState(
                            new KvsStreamSplit(
                                    stream, stream, StartingPosition.latest(), -1, null));
            SourceOutput<VideoFrame> output = new PixelIndexOutput(emitted);
            waiting.forEach(record -> emitter.emitRecord(record, output, state));
            boolean heldAgain = false;
            while (emitted.size() < 3 * FPS) {
                assertThat(System.currentTimeMillis())
                        .as("frames in time; got %s", emitted.size())
                        .isLessThan(deadline + 30_000);
                for (CameraRecord<VideoFrame> record : pooled.fetch()) {
                    heldAgain |= record.unmapped() != null;
                    emitter.emitRecord(record, output, state);
                }
            }
            assertThat(heldAgain)
                    .as("frames are held again once the emitter released the first ones")
                    .isTrue();
            assertContiguous(stream, emitted);
            assertThat(state.toSplit().position()).isPresent();
        }
        fetcher = null;
    }

    /**
     * Reads each emitted frame's stamped index from its pixels before the emitter recycles the
     * array.
     */
    private static final class PixelIndexOutput extends RecordsOnlyOutput<VideoFrame> {
        private final List<FrameKey> frames;

        PixelIndexOutput(List<FrameKey> frames) {
            this.frames = frames;
        }

        @Override
        public void collect(VideoFrame frame) {
            throw new AssertionError("frames carry their event time");
        }

        @Override
        public void collect(VideoFrame frame, long timestamp) {
            assertThat(timestamp).isEqualTo(frame.getTimestampMillis());
            int index =
                    FrameIndexCode.read(
                                    frame.getData(),
                                    frame.getWidth(),
                                    frame.getHeight(),
                                    3 * frame.getWidth())
                            .orElseThrow();
            frames.add(
                    new FrameKey(
                            frame.getCameraId(),
                            timestamp,
                            index,
                            frame.getWidth(),
                            frame.getHeight()));
        }
    }

    @Test
    void expiredSessionsReconnectWithoutLosingAFrame() throws Exception {
        String stream = liveStream();
        fetcherFor(stream, c -> {});
        assertContiguous(stream, read(3 * FPS, 10, () -> kvs.faults().expireAllSessions()));
        assertThat(metrics.reconnectsCount()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.decodeErrorsCount()).isZero();
    }

    @Test
    void renewsTheSessionBeforeItExpiresWithoutAGap() throws Exception {
        String stream = liveStream();
        SkippingClock clock = new SkippingClock();
        fetcherFor(stream, c -> {}, clock);
        // Jump the reader's clock to 10 s before the 300 s session expires: inside the 30 s margin.
        assertContiguous(stream, read(4 * FPS, 10, () -> clock.skip(Duration.ofSeconds(290))));
        assertThat(metrics.urlRefreshesCount()).isEqualTo(1);
        assertThat(metrics.reconnectsCount()).isZero();
        assertThat(metrics.readErrorsCount()).isZero();
    }

    @Test
    void serverErrorsResetsAndSlowAnswersLoseNothing() throws Exception {
        String stream = liveStream();
        fetcherFor(stream, c -> {});
        assertContiguous(
                stream,
                read(
                        5 * FPS,
                        5,
                        () -> {
                            kvs.faults()
                                    .failNext(
                                            KvsOperation.GET_MP4_MEDIA_FRAGMENT,
                                            2,
                                            500,
                                            "InternalFailure");
                            kvs.faults().resetNext(KvsOperation.GET_MP4_MEDIA_FRAGMENT, 1);
                            kvs.faults()
                                    .delay(
                                            KvsOperation.GET_HLS_MEDIA_PLAYLIST,
                                            Duration.ofMillis(1500),
                                            2);
                        }));
        assertThat(metrics.readErrorsCount()).isGreaterThanOrEqualTo(3);
        assertThat(metrics.reconnectsCount()).isEqualTo(metrics.readErrorsCount());
    }

    @Test
    void throttledSessionRequestsBackOffAndRecover() throws Exception {
        String stream = liveStream();
        fetcherFor(stream, c -> {});
        assertContiguous(
                stream,
                read(
                        3 * FPS,
                        5,
                        () -> {
                            kvs.faults()
                                    .failNext(
                                            KvsOperation.GET_HLS_STREAMING_SESSION_URL,
                                            2,
                                            400,
                                            "ClientLimitExceededException");
                            kvs.faults().expireAllSessions();
                        }));
        assertThat(metrics.readErrorsCount()).isGreaterThanOrEqualTo(3);
    }

    /**
     * A fragment over {@code max-fragment-size} is refused on every attempt, so it is skipped like
     * a corrupt one instead of retried, and counted as a read error.
     */
    @ParameterizedTest
    @EnumSource(
            value = Corruption.class,
            names = {"GARBAGE", "OVERSIZED"})
    void corruptAndOversizedFragmentsAreCountedAndSkipped(Corruption corruption) throws Exception {
        String stream = liveStream();
        fetcherFor(
                stream, c -> c.set(KvsSourceOptions.MAX_FRAGMENT_SIZE, MemorySize.parse("512kb")));
        List<FrameKey> frames = read(5 * FPS, 1, () -> kvs.faults().corruptNext(1, corruption));
        boolean oversized = corruption == Corruption.OVERSIZED;
        assertThat(metrics.decodeErrorsCount()).isEqualTo(oversized ? 0 : 1);
        assertThat(metrics.readErrorsCount()).isEqualTo(oversized ? 1 : 0);
        assertThat(metrics.reconnectsCount()).isZero();
        // Frames around the corrupt fragment are all there; exactly one fragment's frames are
        // missing.
        FrameSequenceVerifier verifier =
                new FrameSequenceVerifier(kvs.stream(stream).fragments(), FPS);
        List<Long> indices = new ArrayList<>();
        frames.forEach(f -> indices.add(verifier.streamIndexOf(f)));
        long gaps = 0;
        for (int i = 1; i < indices.size(); i++) {
            assertThat(indices.get(i)).isGreaterThan(indices.get(i - 1));
            gaps += indices.get(i) - indices.get(i - 1) - 1;
        }
        assertThat(gaps).isEqualTo(camera.frameCount(0));
    }

    @Test
    void aPausedProducerLeavesAGapButNoLostFrame() throws Exception {
        String name = "cam-paused";
        LiveProducer producer = kvs.createStream(name).startLive(camera);
        Thread.sleep(2100);
        fetcherFor(name, c -> {});
        // The producer pauses for 3 s while the fetcher keeps polling on this thread.
        Thread resumer =
                new Thread(
                        () -> {
                            sleep(3000);
                            producer.resume();
                        });
        List<FrameKey> frames =
                read(
                        6 * FPS,
                        5,
                        () -> {
                            producer.pause();
                            resumer.start();
                        });
        resumer.join();
        assertContiguous(name, frames);
        assertThat(metrics.readErrorsCount()).as("a pause is no error").isZero();
    }

    @Test
    void resolutionChangesMidStream() throws Exception {
        String name = "cam-resize";
        LiveProducer producer = kvs.createStream(name).startLive(camera);
        Thread.sleep(2100);
        fetcherFor(name, c -> {});
        FragmentedMedia larger = SyntheticCamera.encode(480, 360, FPS);
        List<FrameKey> frames = read(6 * FPS, 5, () -> producer.switchMedia(larger));
        assertContiguous(name, frames);
        assertThat(frames.get(0).width).isEqualTo(320);
        assertThat(frames.get(frames.size() - 1).width).isEqualTo(480);
        assertThat(metrics.decodeErrorsCount()).isZero();
    }

    @Test
    void aSilentStreamIsIdleNotFailing() throws Exception {
        String name = "cam-silent";
        kvs.createStream(name);
        fetcherFor(name, c -> {});
        List<CameraRecord<FrameKey>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.addAll(fetcher.fetch());
        }
        assertThat(records).hasSize(1).allMatch(CameraRecord::isIdleSignal);
        assertThat(metrics.idlePollsCount()).isGreaterThanOrEqualTo(3);
        assertThat(metrics.readErrorsCount()).isZero();
        kvs.stream(name).startLive(camera);
        List<FrameKey> frames = read(FPS, Integer.MAX_VALUE, () -> {});
        assertContiguous(name, frames);
    }

    @Test
    void persistentFailuresFailTheCameraWithAClearMessage() throws Exception {
        String stream = liveStream();
        fetcherFor(stream, c -> c.set(KvsSourceOptions.MAX_CONSECUTIVE_ERRORS, 3));
        kvs.faults().failNext(KvsOperation.GET_HLS_MEDIA_PLAYLIST, 100, 500, "InternalFailure");
        assertThatThrownBy(
                        () -> {
                            for (int i = 0; i < 20; i++) {
                                fetcher.fetch();
                            }
                        })
                .isInstanceOf(FrameSourceException.class)
                .hasMessageContaining("Camera " + stream)
                .hasMessageContaining("failed 3 times in a row")
                .hasMessageContaining("HTTP 500")
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .doesNotContainPattern("SessionToken=(?!\\*\\*\\*)"));
    }

    @Test
    void longBackfillsPageThroughFullOnDemandPlaylists() {
        FragmentedMedia tiny = SyntheticCamera.encode(64, 48, 2);
        long start = (System.currentTimeMillis() - 45 * 60_000L) / 1000 * 1000;
        int fragments = CameraFetcher.ON_DEMAND_MAX_RESULTS + 50;
        var written = kvs.createStream("long-backfill").appendArchived(tiny, start, fragments);
        long stop = written.get(written.size() - 1).producerEndMillis() - 1;
        fetcherFor(
                new KvsStreamSplit(
                        "long-backfill", "long-backfill", StartingPosition.earliest(), stop, null),
                c -> {},
                Clock.systemUTC());
        List<FrameKey> frames = new ArrayList<>();
        List<CameraRecord<FrameKey>> first = fetcher.fetch();
        assertThat(first)
                .as("the camera announces where it starts before its first frame")
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.kind()).isEqualTo(CameraRecord.Kind.NOTHING_BEFORE);
                            assertThat(r.timestampMillis()).isEqualTo(start);
                        });
        long deadline = System.currentTimeMillis() + 120_000;
        while (!fetcher.isFinished()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            fetcher.fetch().stream()
                    .filter(r -> r.kind() == CameraRecord.Kind.FRAME)
                    .forEach(r -> frames.add(r.value()));
        }
        List<Long> indices = new FrameSequenceVerifier(written, 2).assertContiguous(frames);
        assertThat(indices).hasSize(fragments * 4);
        assertThat(indices.get(0)).isZero();
        assertThat(fetcher.isStreamGone()).as("it ended at its stop").isFalse();
    }

    @Test
    void unknownStreamsFailFast() {
        fetcherFor("no-such-stream", c -> {});
        assertThatThrownBy(() -> fetcher.fetch())
                .isInstanceOfSatisfying(
                        KvsConnectionException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(KvsConnectionException.Reason.STREAM_NOT_FOUND))
                .hasMessageContaining("no-such-stream");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
