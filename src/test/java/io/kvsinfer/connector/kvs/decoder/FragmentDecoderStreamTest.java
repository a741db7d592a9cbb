package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.testing.EncoderFixtures;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding.Decoded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Video from encoders at their defaults, whose fragments depend on the one before (issue #18):
 * open-GOP H.265 (CRA with leading pictures), open-GOP H.264 (recovery-point I frames) and H.264
 * cut by duration (fragments that start mid-GOP, most with no key frame). Decoded as a stream every
 * frame comes out once, in order, evenly spaced, pixel for pixel what FFmpeg decodes from the same
 * fragments back to back; decoded fragment by fragment, frames are lost, which is why the fixtures
 * are the test.
 */
class FragmentDecoderStreamTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final int FRAMES = 150;
    static final int FPS = 15;

    /** One frame as the stream decoder gave it, placed by the fragment that carried it. */
    record Placed(int pixelIndex, long timestampMillis, long pixelCrc) {}

    static FragmentedMedia load(String fixture) throws Exception {
        return EncoderFixtures.load(fixture);
    }

    /** The fragments as LocalKvs would serve them back to back from {@link #START}. */
    static List<byte[]> fragments(FragmentedMedia media, boolean ts, List<Long> starts) {
        List<byte[]> out = new ArrayList<>();
        long start = START;
        for (int i = 0; i < media.fragmentCount(); i++) {
            starts.add(start);
            out.add(ts ? media.tsFragment(i, start) : media.mp4Fragment(i, start, i + 1));
            start += media.durationMillis(i);
        }
        return out;
    }

    static List<Placed> decodeAsStream(FragmentedMedia media, boolean ts) throws Exception {
        List<Long> starts = new ArrayList<>();
        List<byte[]> fragments = fragments(media, ts, starts);
        byte[] init = ts ? null : media.initSegment();
        Map<Long, Long> startByTag = new HashMap<>();
        List<Placed> out = new ArrayList<>();
        try (FragmentDecoder decoder = new FragmentDecoder(settings(ts))) {
            for (int i = 0; i < fragments.size(); i++) {
                long tag = decoder.openInStream(init, fragments.get(i), i > 0);
                startByTag.put(tag, starts.get(i));
                drainInto(decoder, startByTag, out);
            }
            assertThat(decoder.holdsPictures()).as("B-frames stay in the decoder").isTrue();
            assertThat(decoder.endStream()).isTrue();
            drainInto(decoder, startByTag, out);
            assertThat(decoder.holdsPictures()).isFalse();
            assertThat(decoder.picturesWithoutReference()).isZero();
        }
        return out;
    }

    private static void drainInto(
            FragmentDecoder decoder, Map<Long, Long> startByTag, List<Placed> out)
            throws CorruptFragmentException {
        DecodedFrame frame;
        while ((frame = decoder.next(FrameSampler.ALL)) != null) {
            int index =
                    FrameIndexCode.read(
                                    frame.buffer(), frame.width(), frame.height(), frame.stride())
                            .orElse(-1);
            long crc =
                    ReferenceDecoding.pixelCrc(
                            frame.buffer(), frame.width() * 3, frame.height(), frame.stride());
            out.add(
                    new Placed(
                            index,
                            startByTag.get(frame.fragmentTag()) + frame.offsetMillis(),
                            crc));
        }
    }

    static DecoderSettings settings(boolean ts) {
        return DecoderSettings.builder()
                .inputFormat(ts ? InputFormat.MPEG_TS : InputFormat.FRAGMENTED_MP4)
                .threads(2)
                .build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "h265-opengop, mp4",
        "h265-opengop, ts",
        "h264-opengop, mp4",
        "h264-opengop, ts",
        "h264-defaults, mp4",
        "h264-defaults, ts"
    })
    void everyFrameOnceInOrderEvenlySpacedAndAsFfmpegDecodesIt(String fixture, String container)
            throws Exception {
        FragmentedMedia media = load(fixture);
        boolean ts = container.equals("ts");
        assertThat(media.fragmentCount()).isGreaterThanOrEqualTo(4);

        List<Placed> frames = decodeAsStream(media, ts);

        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            expected.add(i);
        }
        assertThat(frames.stream().map(Placed::pixelIndex).toList()).isEqualTo(expected);
        for (Placed frame : frames) {
            long expectedMillis = START + Math.round(frame.pixelIndex() * 1000.0 / FPS);
            assertThat(frame.timestampMillis())
                    .as("time of frame %s", frame.pixelIndex())
                    .isBetween(expectedMillis - 1, expectedMillis + 1);
        }
        // FFmpeg's own decode of the same fragments back to back, as one input.
        List<Long> starts = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        if (!ts) {
            all.write(media.initSegment());
        }
        for (byte[] fragment : fragments(media, ts, starts)) {
            all.write(fragment);
        }
        List<Decoded> reference =
                ReferenceDecoding.decode(all.toByteArray(), ts ? "mpegts" : "mp4");
        assertThat(ReferenceDecoding.indices(reference)).isEqualTo(expected);
        assertThat(frames.stream().map(Placed::pixelCrc).toList())
                .as("BGR24 pixels equal FFmpeg's")
                .isEqualTo(reference.stream().map(Decoded::pixelCrc).toList());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"h265-opengop, mp4", "h264-defaults, ts"})
    void fragmentByFragmentTheDependentFramesAreLost(String fixture, String container)
            throws Exception {
        FragmentedMedia media = load(fixture);
        boolean ts = container.equals("ts");
        List<Long> starts = new ArrayList<>();
        List<byte[]> fragments = fragments(media, ts, starts);
        int decoded = 0;
        int corrupt = 0;
        try (FragmentDecoder decoder = new FragmentDecoder(settings(ts))) {
            for (byte[] fragment : fragments) {
                try {
                    decoded +=
                            DecoderTestSupport.decodeAll(
                                            decoder, ts ? null : media.initSegment(), fragment)
                                    .size();
                } catch (CorruptFragmentException e) {
                    corrupt++;
                }
            }
        }
        assertThat(decoded).as("frames decoded (%s fragments corrupt)", corrupt).isLessThan(FRAMES);
    }

    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mp4", "ts"})
    void aStreamJoinedMidGopWaitsForAKeyFrameWithoutAnError(String container) throws Exception {
        FragmentedMedia media = load("h264-defaults");
        boolean ts = container.equals("ts");
        List<Long> starts = new ArrayList<>();
        List<byte[]> fragments = fragments(media, ts, starts);
        byte[] init = ts ? null : media.initSegment();
        List<Integer> shown = new ArrayList<>();
        try (FragmentDecoder decoder = new FragmentDecoder(settings(ts))) {
            // Joined at the second fragment: no key frame until the clip starts again.
            for (int i = 1; i < fragments.size(); i++) {
                decoder.openInStream(init, fragments.get(i), i > 1);
                assertThat(decoder.next(FrameSampler.ALL)).as("fragment %s", i).isNull();
            }
            assertThat(decoder.picturesWithoutReference())
                    .as("frames that referenced frames never read")
                    .isGreaterThan(100);
            decoder.openInStream(init, fragments.get(0), true);
            DecodedFrame frame;
            while ((frame = decoder.next(FrameSampler.ALL)) != null) {
                shown.add(DecoderTestSupport.got(frame).pixelIndex());
            }
        }
        assertThat(shown).isNotEmpty().startsWith(0, 1, 2).doesNotContain(-1);
    }

    @Test
    void fragmentsWithoutAKeyFrameAreCorruptOnceTheWaitIsOver() throws Exception {
        FragmentedMedia media = load("h264-defaults");
        List<Long> starts = new ArrayList<>();
        byte[] noKeyFrame = fragments(media, false, starts).get(2);
        try (FragmentDecoder decoder = new FragmentDecoder(settings(false))) {
            for (int i = 0; i < FragmentDecoder.MAX_FRAGMENTS_WITHOUT_KEY_FRAME; i++) {
                decoder.openInStream(media.initSegment(), noKeyFrame, true);
                assertThat(decoder.next(FrameSampler.ALL)).isNull();
            }
            decoder.openInStream(media.initSegment(), noKeyFrame, true);
            assertThatThrownBy(() -> decoder.next(FrameSampler.ALL))
                    .isInstanceOf(CorruptFragmentException.class)
                    .hasMessageContaining("31 fragments in a row hold no key frame");
            // A key frame decodes at once afterwards.
            decoder.openInStream(media.initSegment(), fragments(media, false, starts).get(0), true);
            assertThat(decoder.next(FrameSampler.ALL)).isNotNull();
        }
    }

    @Test
    void aCorruptFragmentInAStreamLosesOnlyItsOwnFrames() throws Exception {
        FragmentedMedia media = load("h265-opengop");
        List<Long> starts = new ArrayList<>();
        List<byte[]> fragments = fragments(media, false, starts);
        // Cut short in transit.
        byte[] broken = java.util.Arrays.copyOf(fragments.get(1), fragments.get(1).length / 2);
        List<Integer> shown = new ArrayList<>();
        int corrupt = 0;
        try (FragmentDecoder decoder = new FragmentDecoder(settings(false))) {
            for (int i = 0; i < fragments.size(); i++) {
                try {
                    decoder.openInStream(
                            media.initSegment(), i == 1 ? broken : fragments.get(i), i > 0);
                    DecodedFrame frame;
                    while ((frame = decoder.next(FrameSampler.ALL)) != null) {
                        shown.add(DecoderTestSupport.got(frame).pixelIndex());
                    }
                } catch (CorruptFragmentException e) {
                    corrupt++;
                }
            }
            if (decoder.endStream()) {
                DecodedFrame frame;
                while ((frame = decoder.next(FrameSampler.ALL)) != null) {
                    shown.add(DecoderTestSupport.got(frame).pixelIndex());
                }
            }
        }
        assertThat(corrupt).isEqualTo(1);
        assertThat(shown).doesNotContain(-1).isSorted();
        assertThat(shown).as("the fragments after the corrupt one").containsSequence(range(60, 90));
        // The first fragment's last frames, held for the second, come out before the third.
        assertThat(shown).as("the first fragment").containsSequence(range(0, 29));
    }
}
