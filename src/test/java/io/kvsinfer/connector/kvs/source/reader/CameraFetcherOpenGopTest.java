package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.localkvs.Corruption;
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

import org.apache.flink.configuration.MemorySize;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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

    @AfterEach
    void clearFaults() {
        kvs.faults().clear();
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
        Checkpointed read =
                checkpointInTheThirdFragment(
                        fixture,
                        container,
                        framesConsumed,
                        "restore-" + (failOnce ? "failed-once-" : ""));
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
                readFromCheckpoint(read, container, CameraFetchers.metrics(read.stream), null);

        assertThat(resumed).isEqualTo(read.framesAfterCheckpoint());
    }

    /**
     * A look-back fragment over {@code max-fragment-size} is refused on every attempt: the restore
     * reads on without it, emitting what can be decoded without its references, instead of failing
     * the camera again and again.
     */
    @Test
    void aRestoreWhoseLookBackFragmentIsOverItsSizeBoundReadsOnWithoutIt() throws Exception {
        ContainerFormat container = ContainerFormat.FRAGMENTED_MP4;
        Checkpointed read =
                checkpointInTheThirdFragment("h265-opengop", container, 1, "restore-oversized-");
        // The second fragment, the one before the resumed one, is too large whenever it is asked
        // for.
        kvs.faults().corruptFragment(read.second, Corruption.OVERSIZED);
        CameraMetrics metrics = CameraFetchers.metrics(read.stream);
        List<FrameKey> resumed =
                readFromCheckpoint(read, container, metrics, MemorySize.parse("512kb"));

        List<FrameKey> expected = read.framesAfterCheckpoint();
        List<FrameKey> later = read.framesAfterTheThirdFragment();
        assertThat(later).isNotEmpty();
        assertThat(resumed)
                .as("every frame after the resumed fragment")
                .endsWith(later.toArray(new FrameKey[0]));
        assertThat(resumed)
                .as("the resumed fragment's frames from its key frame on")
                .hasSizeGreaterThan(later.size());
        assertThat(expected).as("nothing twice, nothing out of order").containsSubsequence(resumed);
        assertThat(metrics.readErrorsCount()).isEqualTo(1);
        assertThat(metrics.decodeErrorsCount()).isZero();
    }

    /** A stream read whole, and a checkpoint taken after a frame of its third fragment. */
    private record Checkpointed(
            String stream,
            long stop,
            List<CameraRecord<FrameKey>> all,
            int at,
            FragmentPosition checkpoint,
            String second,
            String third) {

        List<FrameKey> framesAfterCheckpoint() {
            return frames(all.subList(at + 1, all.size()));
        }

        List<FrameKey> framesAfterTheThirdFragment() {
            List<FrameKey> later = new ArrayList<>();
            boolean past = false;
            for (CameraRecord<FrameKey> record : all) {
                past |= record.positionAfter().fragmentNumber().equals(third);
                if (past && !record.positionAfter().fragmentNumber().equals(third)) {
                    later.add(record.value());
                }
            }
            return later;
        }
    }

    private Checkpointed checkpointInTheThirdFragment(
            String fixture, ContainerFormat container, int framesConsumed, String prefix)
            throws Exception {
        FragmentedMedia media = load(fixture);
        String stream = prefix + fixture + "-" + container.name().toLowerCase();
        long start = (System.currentTimeMillis() - 300_000) / 1000 * 1000;
        List<FragmentRecord> written =
                kvs.createStream(stream).appendArchived(media, start, media.fragmentCount());
        long stop = written.get(written.size() - 1).producerEndMillis() - 1;

        List<CameraRecord<FrameKey>> all =
                readAll(stream, stop, container, null, CameraFetchers.metrics(stream), null);
        assertThat(new FrameSequenceVerifier(written, FPS).assertContiguous(frames(all)))
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
        return new Checkpointed(
                stream,
                stop,
                all,
                at,
                all.get(at).positionAfter(),
                written.get(1).fragmentNumber(),
                third);
    }

    private List<FrameKey> readFromCheckpoint(
            Checkpointed read,
            ContainerFormat container,
            CameraMetrics metrics,
            @javax.annotation.Nullable MemorySize maxFragmentSize) {
        return frames(
                readAll(
                        read.stream,
                        read.stop,
                        container,
                        read.checkpoint,
                        metrics,
                        maxFragmentSize));
    }

    private static List<FrameKey> frames(List<CameraRecord<FrameKey>> records) {
        return records.stream().map(CameraRecord::value).toList();
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
            @javax.annotation.Nullable FragmentPosition position,
            CameraMetrics metrics,
            @javax.annotation.Nullable MemorySize maxFragmentSize) {
        KvsSourceConfig config =
                CameraFetchers.config(
                        c -> {
                            c.set(KvsSourceOptions.CONTAINER_FORMAT, container);
                            if (maxFragmentSize != null) {
                                c.set(KvsSourceOptions.MAX_FRAGMENT_SIZE, maxFragmentSize);
                            }
                        });
        List<CameraRecord<FrameKey>> frames = new ArrayList<>();
        try (CameraFetcher<FrameKey> fetcher =
                fetchers.create(
                        new KvsStreamSplit(
                                stream, stream, StartingPosition.earliest(), stop, position),
                        config,
                        CameraFetchers.decoder(config),
                        new PixelIndexMapper(),
                        metrics,
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
