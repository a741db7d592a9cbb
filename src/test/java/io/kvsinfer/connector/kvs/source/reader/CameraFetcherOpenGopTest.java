package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.split.FragmentPosition;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.testing.EncoderFixtures;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restoring into a stream whose fragments depend on the ones before: a checkpoint taken in a
 * fragment cut mid-GOP (no key frame in it) or among the leading frames of an open-GOP fragment
 * resumes with every later frame once, because the camera decodes the fragments before it again,
 * back to a key frame, without emitting them.
 */
class CameraFetcherOpenGopTest {

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static final int FPS = 15;
    private static LocalKvs kvs;
    private static CameraFetchers fetchers;

    @BeforeAll
    static void start() throws Exception {
        kvs = LOCAL_KVS.kvs();
        fetchers = new CameraFetchers(kvs.endpoint());
    }

    static FragmentedMedia load(String fixture) throws Exception {
        return EncoderFixtures.load(fixture);
    }

    @AfterAll
    static void stop() {
        fetchers.close();
    }

    /**
     * With {@code failOnce}, the first fragment the restored camera fetches fails (a 500), before
     * it reaches the fragment it resumes in: it must look back for the fragments before it again.
     */
    @ParameterizedTest(name = "{0} {1}, a failed fetch first: {3}")
    @CsvSource({
        "h264-defaults, FRAGMENTED_MP4, 3, false",
        "h264-defaults, MPEG_TS, 3, false",
        "h265-opengop, FRAGMENTED_MP4, 1, false",
        "h264-opengop, MPEG_TS, 1, false",
        "h264-defaults, FRAGMENTED_MP4, 3, true",
        "h264-opengop, MPEG_TS, 1, true"
    })
    void aCameraRestoredInADependentFragmentEmitsEveryLaterFrameOnce(
            String fixture, ContainerFormat container, int framesConsumed, boolean failOnce)
            throws Exception {
        FragmentedMedia media = load(fixture);
        String stream =
                "restore-"
                        + fixture
                        + "-"
                        + container.name().toLowerCase()
                        + (failOnce ? "-failed-once" : "");
        long start = (System.currentTimeMillis() - 300_000) / 1000 * 1000;
        List<FragmentRecord> written =
                kvs.createStream(stream).appendArchived(media, start, media.fragmentCount());
        long stop = written.get(written.size() - 1).producerEndMillis() - 1;

        List<CameraRecord<FrameKey>> all = readAll(stream, stop, container, null);
        List<FrameKey> allFrames = all.stream().map(CameraRecord::value).toList();
        assertThat(new FrameSequenceVerifier(written, FPS).assertContiguous(allFrames))
                .hasSize(150);

        // The third fragment: cut mid-GOP with no key frame, or open GOP led by frames presented
        // before its key frame.
        String third = written.get(2).fragmentNumber();
        int at = -1;
        for (int i = 0; i < all.size(); i++) {
            FragmentPosition position = all.get(i).positionAfter();
            if (position.fragmentNumber().equals(third)
                    && position.framesConsumed() == framesConsumed) {
                at = i;
            }
        }
        assertThat(at).as("a frame of fragment %s", third).isPositive();
        FragmentPosition checkpoint = all.get(at).positionAfter();

        if (failOnce) {
            kvs.faults()
                    .failNext(
                            container == ContainerFormat.MPEG_TS
                                    ? KvsOperation.GET_TS_FRAGMENT
                                    : KvsOperation.GET_MP4_MEDIA_FRAGMENT,
                            1,
                            500,
                            "InternalFailure");
        }
        List<FrameKey> resumed =
                readAll(stream, stop, container, checkpoint).stream()
                        .map(CameraRecord::value)
                        .toList();

        assertThat(resumed).isEqualTo(allFrames.subList(at + 1, allFrames.size()));
    }

    @Test
    void aLiveCameraJoinedMidGopStartsAtTheNextKeyFrameAndCountsWhatItCouldNotDecode()
            throws Exception {
        String stream = "join-mid-gop";
        kvs.createStream(stream).startLive(load("h264-defaults"));
        // Join while the newest fragment is one of the clip's mid-GOP ones, with no key frame.
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            List<FragmentRecord> made = kvs.stream(stream).fragments();
            if (!made.isEmpty() && made.get(made.size() - 1).mediaIndex() == 1) {
                break;
            }
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(50);
        }
        KvsSourceConfig config = CameraFetchers.config(c -> {});
        CameraMetrics metrics = CameraFetchers.metrics(stream);
        List<FrameKey> frames = new ArrayList<>();
        try (CameraFetcher<FrameKey> fetcher =
                fetchers.create(
                        new KvsStreamSplit(stream, stream, StartingPosition.latest(), -1, null),
                        config,
                        CameraFetchers.decoder(config),
                        new PixelIndexMapper(),
                        metrics,
                        Clock.systemUTC(),
                        false)) {
            deadline = System.currentTimeMillis() + 30_000;
            while (frames.size() < 2 * FPS) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                fetcher.fetch().stream()
                        .filter(r -> r.kind() == CameraRecord.Kind.FRAME)
                        .forEach(r -> frames.add(r.value()));
            }
        }
        assertThat(frames.get(0).pixelIndex).as("the clip's key frame").isZero();
        new FrameSequenceVerifier(kvs.stream(stream).fragments(), FPS).assertContiguous(frames);
        assertThat(metrics.framesWithoutReferenceCount())
                .as("the frames of the mid-GOP fragments before it")
                .isGreaterThanOrEqualTo(25);
        assertThat(metrics.decodeErrorsCount()).isZero();
        assertThat(metrics.readErrorsCount()).isZero();
    }

    private List<CameraRecord<FrameKey>> readAll(
            String stream,
            long stop,
            ContainerFormat container,
            @javax.annotation.Nullable FragmentPosition position) {
        KvsSourceConfig config =
                CameraFetchers.config(c -> c.set(KvsSourceOptions.CONTAINER_FORMAT, container));
        List<CameraRecord<FrameKey>> frames = new ArrayList<>();
        try (CameraFetcher<FrameKey> fetcher =
                fetchers.create(
                        new KvsStreamSplit(
                                stream, stream, StartingPosition.earliest(), stop, position),
                        config,
                        CameraFetchers.decoder(config),
                        new PixelIndexMapper(),
                        CameraFetchers.metrics(stream),
                        Clock.systemUTC(),
                        false)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!fetcher.isFinished()) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                fetcher.fetch().stream()
                        .filter(r -> r.kind() == CameraRecord.Kind.FRAME)
                        .forEach(frames::add);
            }
        }
        return frames;
    }
}
