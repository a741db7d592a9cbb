package io.kvsinfer.connector.kvs.localkvs.media;

import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.concat;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.decode;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.indices;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticCameraTest {

    static final long START = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final int FPS = 15;
    private static final int FRAMES = 30;
    private static final long TICKS_PER_FRAME = 90_000 / FPS;

    private static FragmentedMedia camera() {
        return SyntheticCamera.encode(320, 240, FPS);
    }

    @Test
    void describesTheLoop() {
        FragmentedMedia media = camera();
        assertThat(media.codecId()).isEqualTo("V_MPEG/ISO/AVC");
        assertThat(media.hlsCodecs()).matches("avc1\\.[0-9a-f]{6}");
        assertThat(media.width()).isEqualTo(320);
        assertThat(media.height()).isEqualTo(240);
        assertThat(media.frameRate()).isEqualTo(15.0);
        assertThat(media.fragmentCount()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(media.frameCount(i)).isEqualTo(FRAMES);
            assertThat(media.durationMillis(i)).isEqualTo(2000);
        }
        assertThat(SyntheticCamera.encode(320, 240, FPS)).as("cached").isSameAs(media);
    }

    @Test
    void initAndFragmentsHaveTheExpectedBoxes() {
        FragmentedMedia media = camera();
        byte[] init = media.initSegment();
        assertThat(IsoBoxes.children(init, 0, init.length))
                .extracting(IsoBoxes.Box::type)
                .containsExactly("ftyp", "moov");
        assertThat(Fragmenter.trackTimescale(init)).isEqualTo(90_000);
        byte[] fragment = media.mp4Fragment(2, START, 77);
        assertThat(IsoBoxes.children(fragment, 0, fragment.length))
                .extracting(IsoBoxes.Box::type)
                .containsExactly("moof", "mdat");
        Mp4FragmentTiming timing = Mp4FragmentTiming.of(fragment);
        assertThat(timing.sampleCount()).isEqualTo(FRAMES);
        assertThat(timing.durationTicks()).isEqualTo(FRAMES * TICKS_PER_FRAME);
        assertThat(timing.originalDecodeTime()).isEqualTo(START * 90);
        IsoBoxes.Box mfhd =
                IsoBoxes.single(
                        fragment, IsoBoxes.children(fragment, 0, fragment.length).get(0), "mfhd");
        assertThat(IsoBoxes.u32(fragment, mfhd.payload() + 4)).isEqualTo(77);
        // The original decode base of fragment 2 in the loop: two fragments of 2 s.
        assertThat(((PreparedMedia) media).fragment(2).originalDecodeTime())
                .isEqualTo(2 * FRAMES * TICKS_PER_FRAME);
        // The retimed copy does not change the stored fragment.
        assertThat(
                        Mp4FragmentTiming.of(((PreparedMedia) media).fragment(2).mp4())
                                .originalDecodeTime())
                .isEqualTo(2 * FRAMES * TICKS_PER_FRAME);
    }

    @Test
    void eachMp4FragmentDecodesWithIndicesAndEpochTimestamps() throws Exception {
        FragmentedMedia media = camera();
        for (int i = 0; i < media.fragmentCount(); i++) {
            long start = START + i * 2000L;
            List<ReferenceDecoding.Decoded> frames =
                    decode(concat(media.initSegment(), media.mp4Fragment(i, start, i + 1)), "mp4");
            assertThat(indices(frames)).as("fragment %s", i).isEqualTo(range(i * FRAMES, FRAMES));
            for (int k = 0; k < frames.size(); k++) {
                assertThat(frames.get(k).timeBaseDen()).isEqualTo(90_000);
                assertThat(frames.get(k).pts()).isEqualTo(start * 90 + k * TICKS_PER_FRAME);
            }
        }
    }

    @Test
    void eachTsFragmentDecodesAloneWithIndicesAndWrappedTimestamps() throws Exception {
        FragmentedMedia media = camera();
        for (int i = 0; i < media.fragmentCount(); i++) {
            long start = START + i * 2000L;
            byte[] ts = media.tsFragment(i, start);
            assertThat(ts.length % 188).isZero();
            assertThat(TsTiming.of(ts).firstPts()).isEqualTo(Math.floorMod(start * 90, 1L << 33));
            List<ReferenceDecoding.Decoded> frames = decode(ts, "mpegts");
            assertThat(indices(frames)).as("fragment %s", i).isEqualTo(range(i * FRAMES, FRAMES));
            for (int k = 0; k < frames.size(); k++) {
                assertThat(Math.floorMod(frames.get(k).pts(), 1L << 33))
                        .isEqualTo(Math.floorMod(start * 90 + k * TICKS_PER_FRAME, 1L << 33));
            }
        }
    }

    @Test
    void tsTimestampsWrapInsideAFragment() throws Exception {
        FragmentedMedia media = camera();
        // The 33-bit 90 kHz clock wraps one second into this fragment.
        long wrapMillis = (1L << 33) / 90 + 1;
        long start = wrapMillis - 1000;
        List<ReferenceDecoding.Decoded> frames = decode(media.tsFragment(0, start), "mpegts");
        assertThat(indices(frames)).isEqualTo(range(0, FRAMES));
        for (int k = 0; k < frames.size(); k++) {
            assertThat(Math.floorMod(frames.get(k).pts(), 1L << 33))
                    .isEqualTo(Math.floorMod(start * 90 + k * TICKS_PER_FRAME, 1L << 33));
        }
    }

    @Test
    void fragmentsAfterOneInitDecodeInOrderAcrossTheLoop() throws Exception {
        FragmentedMedia media = camera();
        List<byte[]> parts = new ArrayList<>();
        parts.add(media.initSegment());
        // One and a half loops: fragment 0 comes again after fragment 4, with later times.
        int fragments = 7;
        for (int n = 0; n < fragments; n++) {
            parts.add(media.mp4Fragment(n % 5, START + n * 2000L, n + 1));
        }
        List<ReferenceDecoding.Decoded> frames =
                decode(concat(parts.toArray(new byte[0][])), "mp4");
        assertThat(frames).hasSize(fragments * FRAMES);
        for (int k = 0; k < frames.size(); k++) {
            assertThat(frames.get(k).index()).isEqualTo(k % (5 * FRAMES));
            assertThat(frames.get(k).pts()).isEqualTo(START * 90 + k * TICKS_PER_FRAME);
        }
    }

    @Test
    void tsFragmentsBackToBackDecodeInOrder() throws Exception {
        FragmentedMedia media = camera();
        List<byte[]> parts = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            parts.add(media.tsFragment(n, START + n * 2000L));
        }
        List<ReferenceDecoding.Decoded> frames =
                decode(concat(parts.toArray(new byte[0][])), "mpegts");
        assertThat(indices(frames)).isEqualTo(range(0, 5 * FRAMES));
        for (int k = 0; k < frames.size(); k++) {
            assertThat(Math.floorMod(frames.get(k).pts(), 1L << 33))
                    .isEqualTo(Math.floorMod(START * 90 + k * TICKS_PER_FRAME, 1L << 33));
        }
    }

    @Test
    void indicesSurviveDecoderScalingOfAWiderPicture() throws Exception {
        // One 1 s fragment of 640x360 read back at 160x120 and 320x180, as a consumer might scale.
        FragmentedMedia media = SyntheticCamera.encode(640, 360, 15, 1, 1);
        assertThat(media.fragmentCount()).isEqualTo(1);
        assertThat(media.frameCount(0)).isEqualTo(15);
        byte[] bytes = concat(media.initSegment(), media.mp4Fragment(0, START, 1));
        assertThat(indices(decode(bytes, "mp4", 160, 120))).isEqualTo(range(0, 15));
        assertThat(indices(decode(media.tsFragment(0, START), "mpegts", 320, 180)))
                .isEqualTo(range(0, 15));
    }

    @Test
    void servesFragmentsConcurrentlyWithoutSharingBytes() throws Exception {
        FragmentedMedia media = camera();
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(
                        pool.submit(
                                () -> {
                                    for (int n = 0; n < 100; n++) {
                                        long seq = thread * 1000L + n;
                                        long start = START + seq * 2000L;
                                        byte[] fragment = media.mp4Fragment(n % 5, start, seq);
                                        Mp4FragmentTiming timing = Mp4FragmentTiming.of(fragment);
                                        if (timing.originalDecodeTime() != start * 90) {
                                            return false;
                                        }
                                        if (TsTiming.of(media.tsFragment(n % 5, start)).firstPts()
                                                != Math.floorMod(start * 90, 1L << 33)) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        // The stored fragments still hold the times the muxer wrote.
        assertThat(((PreparedMedia) media).fragment(1).originalDecodeTime())
                .isEqualTo(FRAMES * TICKS_PER_FRAME);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> SyntheticCamera.encode(321, 240, 15))
                .hasMessageContaining("width is 321");
        assertThatThrownBy(() -> SyntheticCamera.encode(320, 240, 0))
                .hasMessageContaining("fps is 0");
        assertThatThrownBy(() -> SyntheticCamera.encode(320, 240, 15, 0, 5))
                .hasMessageContaining("fragmentSeconds is 0");
        FragmentedMedia media = camera();
        assertThatThrownBy(() -> media.mp4Fragment(5, START, 1))
                .hasMessageContaining("fragment index");
        assertThatThrownBy(() -> media.tsFragment(0, -1)).hasMessageContaining("startMillis is -1");
    }
}
