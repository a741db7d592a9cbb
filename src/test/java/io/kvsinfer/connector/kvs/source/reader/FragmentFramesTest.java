package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;
import io.kvsinfer.connector.kvs.source.config.SamplingMode;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decode slots and held frames, on real fragments decoded by FFmpeg. */
class FragmentFramesTest {

    private static final int FPS = 15;
    private static final long START = 1_700_000_000_000L;
    private static FragmentedMedia media;

    @BeforeAll
    static void encode() {
        media = SyntheticCamera.encode(320, 240, FPS);
    }

    private static FragmentFrames<VideoFrame> camera(String id, DecodeSlots slots) {
        return camera(id, slots, PixelFormat.BGR24);
    }

    /** With the default mapper, so a GRAY8 decoder lends its own luma plane. */
    private static FragmentFrames<VideoFrame> camera(
            String id, DecodeSlots slots, PixelFormat format) {
        PooledVideoFrameMapper mapper = new PooledVideoFrameMapper();
        KvsSourceConfig config =
                new KvsSourceConfig(
                        new Configuration()
                                .set(KvsSourceOptions.OUTPUT_PIXEL_FORMAT, format)
                                .set(KvsSourceOptions.DECODER_THREADS, 1));
        return new FragmentFrames<>(
                id,
                id,
                new FragmentDecoder(DecoderSettingsFactory.fromConfig(config, () -> 1, mapper)),
                format,
                mapper,
                new FrameSelector(SamplingMode.ALL_FRAMES, 0, -1, -1, -1),
                slots,
                new CameraMetrics(new UnregisteredMetricsGroup(), id, new SimpleCounter()),
                Clock.systemUTC());
    }

    private static void open(FragmentFrames<VideoFrame> frames) {
        frames.open(
                "f0",
                START,
                media.initSegment(),
                media.mp4Fragment(0, START, 1),
                false,
                Long.MIN_VALUE);
    }

    @Test
    void aCameraKeepsItsSlotForItsFragmentThenTheWaitingCameraDecodes() {
        DecodeSlots slots = new DecodeSlots(1);
        try (FragmentFrames<VideoFrame> a = camera("a", slots);
                FragmentFrames<VideoFrame> b = camera("b", slots)) {
            open(a);
            open(b);
            long started = System.nanoTime();
            List<String> turns = new ArrayList<>();
            int framesOfA = decodeBatch(a, "a", turns);
            assertThat(framesOfA).isPositive();
            assertThat(a.hasFragment()).as("a batch is shorter than the fragment").isTrue();
            assertThat(slots.available()).as("held across batches of one fragment").isZero();
            assertThat(decodeBatch(b, "b", turns)).as("no slot for the second camera").isZero();
            assertThat(slots.waiting()).as("b waits in line").isEqualTo(1);

            int framesOfB = 0;
            long aDoneAfterNanos = Long.MAX_VALUE;
            while (a.hasFragment() || b.hasFragment()) {
                framesOfA += decodeBatch(a, "a", turns);
                if (!a.hasFragment() && aDoneAfterNanos == Long.MAX_VALUE) {
                    aDoneAfterNanos = System.nanoTime() - started;
                }
                framesOfB += decodeBatch(b, "b", turns);
            }
            assertThat(framesOfA).isEqualTo(media.frameCount(0));
            assertThat(framesOfB).isEqualTo(media.frameCount(0));
            if (aDoneAfterNanos < DecodeSlots.MAX_RUN_MILLIS * 1_000_000L) {
                assertThat(String.join("", turns))
                        .as("a decoded its fragment in one run, then b had the slot")
                        .matches("a+b+");
            }
            assertThat(slots.available()).as("given up at the fragments' ends").isEqualTo(1);
            assertThat(slots.waiting()).isZero();
        }
    }

    /**
     * One batch of {@code camera}, noting its name in {@code turns} if it decoded; the frames it
     * gave. One thread plays every camera here, so a wake-up first ends any wait for a slot at
     * once.
     */
    private static int decodeBatch(
            FragmentFrames<VideoFrame> camera, String name, List<String> turns) {
        List<CameraRecord<VideoFrame>> batch = new ArrayList<>();
        camera.wakeUp();
        camera.decodeInto(batch);
        batch.forEach(FragmentFramesTest::release);
        if (!batch.isEmpty()) {
            turns.add(name);
        }
        return batch.size();
    }

    /**
     * Backpressure: a camera's batch waits in Flink's full element queue, so its fetcher does not
     * come back for the next batch. The camera waiting in line takes the slot instead of waiting
     * for the queue to drain, and the first camera later reads on from where it was.
     */
    @Test
    void aCameraHeldUpInFlinksQueueLetsTheWaitingCameraDecode() {
        // One slot on two cores: the frames of a's first batch go out held, as Flink would keep
        // them.
        DecodeSlots slots = new DecodeSlots(1, 2);
        try (FragmentFrames<VideoFrame> a = camera("a", slots);
                FragmentFrames<VideoFrame> b = camera("b", slots)) {
            open(a);
            open(b);
            List<CameraRecord<VideoFrame>> framesOfA = new ArrayList<>();
            a.decodeInto(framesOfA);
            assertThat(framesOfA).isNotEmpty();
            assertThat(a.hasFragment()).isTrue();

            long started = System.nanoTime();
            List<CameraRecord<VideoFrame>> framesOfB = new ArrayList<>();
            b.decodeInto(framesOfB);
            assertThat(framesOfB).as("b took the slot a kept while away").isNotEmpty();
            assertThat(System.nanoTime() - started)
                    .isGreaterThanOrEqualTo((DecodeSlots.AWAY_MILLIS - 1) * 1_000_000L);

            // Each takes the slot back from the other while the other is away, and both read
            // their fragments to the end, every frame once and in order.
            while (a.hasFragment() || b.hasFragment()) {
                a.decodeInto(framesOfA);
                b.decodeInto(framesOfB);
            }
            assertThat(framesOfA).hasSize(media.frameCount(0));
            assertThat(framesOfB).hasSize(media.frameCount(0));
            assertFramesInOrder(framesOfA);
            assertFramesInOrder(framesOfB);
        }
        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void aPausedCameraGivesItsSlotUp() {
        DecodeSlots slots = new DecodeSlots(1);
        try (FragmentFrames<VideoFrame> a = camera("a", slots)) {
            open(a);
            List<CameraRecord<VideoFrame>> batch = new ArrayList<>();
            a.decodeInto(batch);
            assertThat(slots.available()).isZero();
            a.setPaused(true);
            a.decodeInto(batch);
            assertThat(slots.available()).isEqualTo(1);
            a.setPaused(false);
            a.decodeInto(batch);
            assertThat(slots.available()).isZero();
            batch.forEach(FragmentFramesTest::release);
        }
        assertThat(slots.available()).as("closing gives the slot back").isEqualTo(1);
    }

    /** GRAY8 hands the lent luma plane to the mapper on the fetcher, and held frames a copy. */
    @ParameterizedTest
    @EnumSource(
            value = PixelFormat.class,
            names = {"BGR24", "GRAY8"})
    void withTwoFramesHeldTheNextAreCopiedOnTheFetcherInOrder(PixelFormat format) {
        // One slot on two cores: a core is left to copy, so frames go out held while they may.
        try (FragmentFrames<VideoFrame> a = camera("a", new DecodeSlots(1, 2), format)) {
            open(a);
            List<CameraRecord<VideoFrame>> records = new ArrayList<>();
            while (a.hasFragment()) {
                a.decodeInto(records);
            }
            assertThat(records.subList(0, 2)).allMatch(r -> r.unmapped() != null);
            assertThat(records.subList(2, records.size())).allMatch(r -> r.value() != null);
            assertFramesInOrder(records);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = PixelFormat.class,
            names = {"BGR24", "GRAY8"})
    void whenEveryCoreIsDecodingEveryFrameIsCopiedOnTheFetcher(PixelFormat format) {
        try (FragmentFrames<VideoFrame> a = camera("a", new DecodeSlots(1, 1), format)) {
            open(a);
            List<CameraRecord<VideoFrame>> records = new ArrayList<>();
            a.decodeInto(records);
            assertThat(records).isNotEmpty().allMatch(r -> r.value() != null);
            while (a.hasFragment()) {
                a.decodeInto(records);
            }
            assertThat(records).allMatch(r -> r.unmapped() == null);
            assertFramesInOrder(records);
        }
    }

    /** The stamped indexes of the fragment's frames, all of them and in order; releases each. */
    private static void assertFramesInOrder(List<CameraRecord<VideoFrame>> records) {
        List<Integer> indexes = new ArrayList<>();
        for (CameraRecord<VideoFrame> r : records) {
            byte[] packed =
                    r.unmapped() != null ? r.unmapped().toPackedArray() : r.value().getData();
            int bytesPerPixel = packed.length / (320 * 240);
            indexes.add(
                    FrameIndexCode.read(
                                    ByteBuffer.wrap(packed),
                                    bytesPerPixel,
                                    320,
                                    240,
                                    bytesPerPixel * 320)
                            .orElseThrow());
            release(r);
        }
        assertThat(indexes).hasSize(media.frameCount(0));
        for (int i = 0; i < indexes.size(); i++) {
            assertThat(indexes.get(i))
                    .as("frame %s's stamped index", i)
                    .isEqualTo(indexes.get(0) + i);
        }
    }

    private static void release(CameraRecord<VideoFrame> record) {
        if (record.unmapped() != null) {
            record.unmapped().release();
        }
    }
}
