package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.Got;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.START;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.decodeAll;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.expectedOffsets;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.offsets;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.pixelIndices;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class FragmentDecoderTest {

    private static final Path FIXTURES = Paths.get("src/test/resources/fixtures");
    private static final int FPS = 15;

    private static FragmentedMedia camera;

    @BeforeAll
    static void encodeCamera() {
        camera = SyntheticCamera.encode(320, 240, FPS);
    }

    private static DecoderSettings.Builder settings(InputFormat format) {
        return DecoderSettings.builder().inputFormat(format).threads(1);
    }

    private static byte[] init(FragmentedMedia media, InputFormat format) {
        return format == InputFormat.FRAGMENTED_MP4 ? media.initSegment() : null;
    }

    private static byte[] fragment(
            FragmentedMedia media, InputFormat format, int index, long startMillis) {
        return format == InputFormat.FRAGMENTED_MP4
                ? media.mp4Fragment(index, startMillis, index + 1)
                : media.tsFragment(index, startMillis);
    }

    // ---- every frame, in order, with exact offsets
    // ------------------------------------------------

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void decodesEveryFrameOfEveryFragmentInOrderWithExactOffsets(InputFormat format)
            throws Exception {
        try (FragmentDecoder decoder = new FragmentDecoder(settings(format).build())) {
            int first = 0;
            for (int i = 0; i < camera.fragmentCount(); i++) {
                int count = camera.frameCount(i);
                List<Got> frames =
                        decodeAll(
                                decoder,
                                init(camera, format),
                                fragment(camera, format, i, START + camera.durationMillis(i) * i));
                assertThat(pixelIndices(frames))
                        .as("fragment %s", i)
                        .isEqualTo(range(first, count));
                assertThat(offsets(frames))
                        .as("fragment %s", i)
                        .isEqualTo(expectedOffsets(count, FPS));
                assertThat(frames).extracting(Got::indexInFragment).isEqualTo(range(0, count));
                assertThat(frames.get(0).keyFrame()).isTrue();
                assertThat(frames)
                        .allSatisfy(
                                f -> {
                                    assertThat(f.width()).isEqualTo(320);
                                    assertThat(f.height()).isEqualTo(240);
                                    assertThat(f.sourceWidth()).isEqualTo(320);
                                    assertThat(f.sourceHeight()).isEqualTo(240);
                                });
                first += count;
            }
            assertThat(decoder.decodersOpened())
                    .as("one FFmpeg decoder for the whole stream")
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void autoThreadsDecodeTheSameFrames(InputFormat format) throws Exception {
        try (FragmentDecoder decoder = new FragmentDecoder(settings(format).threads(0).build())) {
            List<Got> frames =
                    decodeAll(decoder, init(camera, format), fragment(camera, format, 1, START));
            assertThat(pixelIndices(frames))
                    .isEqualTo(range(camera.frameCount(0), camera.frameCount(1)));
            assertThat(offsets(frames)).isEqualTo(expectedOffsets(camera.frameCount(1), FPS));
        }
    }

    @Test
    void offsetsStayExactWhenTsTimestampsWrapInsideTheFragment() throws Exception {
        // Pick a start whose 90 kHz pts is 500 ms before the 33-bit wrap: the fragment crosses it.
        long wrap = 1L << 33;
        long startPts = Math.floorMod(START * 90, wrap);
        long start = START + Math.floorMod(wrap - 45_000 - startPts, wrap) / 90;
        assertThat(wrap - Math.floorMod(start * 90, wrap)).isBetween(45_000L, 45_090L);
        try (FragmentDecoder decoder = new FragmentDecoder(settings(InputFormat.MPEG_TS).build())) {
            List<Got> frames = decodeAll(decoder, null, camera.tsFragment(0, start));
            assertThat(pixelIndices(frames)).isEqualTo(range(0, camera.frameCount(0)));
            assertThat(offsets(frames)).isEqualTo(expectedOffsets(camera.frameCount(0), FPS));
        }
    }

    // ---- H.265 and B-frames
    // -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void decodesH265Fixture(InputFormat format) throws Exception {
        FragmentedMedia media = FileMedia.load(FIXTURES.resolve("h265-320x240-15fps.mp4"));
        try (FragmentDecoder decoder = new FragmentDecoder(settings(format).build())) {
            for (int i = 0; i < media.fragmentCount(); i++) {
                List<Got> frames =
                        decodeAll(
                                decoder,
                                init(media, format),
                                fragment(media, format, i, START + 2000L * i));
                assertThat(pixelIndices(frames)).as("fragment %s", i).isEqualTo(range(30 * i, 30));
                assertThat(offsets(frames))
                        .as("fragment %s", i)
                        .isEqualTo(expectedOffsets(30, FPS));
                assertThat(frames.get(0).keyFrame()).isTrue();
            }
        }
    }

    /**
     * With B-frames the decoder receives frames in decode order but outputs them in presentation
     * order: the index counts output order and every offset is that frame's own presentation time,
     * so both pixel indices and offsets increase.
     */
    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void decodesBFrameFixtureInPresentationOrder(InputFormat format) throws Exception {
        FragmentedMedia media = FileMedia.load(FIXTURES.resolve("h264-bframes-320x240-15fps.mkv"));
        try (FragmentDecoder decoder = new FragmentDecoder(settings(format).build())) {
            for (int i = 0; i < media.fragmentCount(); i++) {
                List<Got> frames =
                        decodeAll(
                                decoder,
                                init(media, format),
                                fragment(media, format, i, START + 2000L * i));
                assertThat(pixelIndices(frames)).as("fragment %s", i).isEqualTo(range(30 * i, 30));
                List<Long> expected = expectedOffsets(30, FPS);
                for (int k = 0; k < 30; k++) {
                    // Matroska keeps milliseconds: the source times jitter by up to 2 ms.
                    assertThat(frames.get(k).offsetMillis())
                            .as("fragment %s frame %s", i, k)
                            .isCloseTo(expected.get(k), offset(2L));
                }
                assertThat(offsets(frames)).isSorted();
                assertThat(frames.get(0).offsetMillis()).isZero();
            }
        }
    }

    // ---- key frames only and sampling
    // -------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void keyFramesOnlyReturnsOnlyKeyFrames(InputFormat format) throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(format).keyFramesOnly(true).build())) {
            int first = 0;
            for (int i = 0; i < camera.fragmentCount(); i++) {
                List<Got> frames =
                        decodeAll(
                                decoder, init(camera, format), fragment(camera, format, i, START));
                assertThat(frames).isNotEmpty().allSatisfy(f -> assertThat(f.keyFrame()).isTrue());
                // openh264 may add key frames inside a fragment, but never most of them.
                assertThat(frames.size()).isLessThan(camera.frameCount(i) / 2);
                assertThat(frames.get(0).pixelIndex()).isEqualTo(first);
                for (Got f : frames) {
                    // Each key frame carries its own presentation offset.
                    assertThat(f.offsetMillis())
                            .isEqualTo(Math.round((f.pixelIndex() - first) * 1000.0 / FPS));
                }
                first += camera.frameCount(i);
            }
        }
    }

    @Test
    void rejectedFramesAreNeitherConvertedNorReturned() throws Exception {
        List<Integer> offered = new ArrayList<>();
        FrameSampler everyFifth =
                (tag, index, offsetMillis, keyFrame) -> {
                    offered.add(index);
                    assertThat(offsetMillis).isEqualTo(Math.round(index * 1000.0 / FPS));
                    assertThat(keyFrame).isEqualTo(index == 0 ? true : keyFrame);
                    return index % 5 == 0;
                };
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            List<Got> frames =
                    decodeAll(
                            decoder,
                            camera.initSegment(),
                            camera.mp4Fragment(2, START, 3),
                            everyFifth);
            int count = camera.frameCount(2);
            int base = camera.frameCount(0) + camera.frameCount(1);
            assertThat(offered).isEqualTo(range(0, count));
            assertThat(frames)
                    .extracting(Got::indexInFragment)
                    .containsExactly(0, 5, 10, 15, 20, 25);
            assertThat(pixelIndices(frames))
                    .containsExactly(base, base + 5, base + 10, base + 15, base + 20, base + 25);
            assertThat(decoder.conversions()).isEqualTo(6);

            decodeAll(
                    decoder,
                    camera.initSegment(),
                    camera.mp4Fragment(3, START, 4),
                    (t, i, o, k) -> false);
            assertThat(decoder.conversions()).as("nothing kept, nothing converted").isEqualTo(6);
        }
    }

    // ---- held frames
    // ------------------------------------------------------------------------------

    /**
     * GRAY8 lending hands out the decoder's own luma plane until a frame is held; a held frame must
     * have its copy, or the next pictures would overwrite it.
     */
    @ParameterizedTest
    @CsvSource({"BGR24, false", "GRAY8, true", "GRAY8, false"})
    void heldFramesKeepTheirPixelsWhileTheDecoderGoesOn(PictureFormat pixels, boolean lend)
            throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(
                        settings(InputFormat.FRAGMENTED_MP4)
                                .pictureFormat(pixels)
                                .lendPictures(lend)
                                .build())) {
            decoder.open(camera.initSegment(), camera.mp4Fragment(0, START, 1));
            List<HeldFrame> held = new ArrayList<>();
            while (decoder.canHoldFrame()) {
                held.add(decoder.next((t, i, o, k) -> true).hold());
            }
            assertThat(held).hasSize(OutputBuffers.MAX_HELD);
            assertThat(decoder.heldFrames()).isEqualTo(OutputBuffers.MAX_HELD);
            assertThat(held).extracting(FragmentDecoderTest::pixelIndex).containsExactly(0, 1);

            // With the most frames held, the decoder still converts into a buffer of its own,
            // without waiting.
            DecodedFrame unheld = decoder.next((t, i, o, k) -> true);
            assertThat(pixelIndex(unheld)).isEqualTo(2);
            assertThatThrownBy(unheld::hold)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(OutputBuffers.MAX_HELD + " frames");
            assertThat(pixelIndex(decoder.next((t, i, o, k) -> true))).isEqualTo(3);
            assertThat(held)
                    .as("still held, not overwritten by frames 2 and 3")
                    .extracting(FragmentDecoderTest::pixelIndex)
                    .containsExactly(0, 1);

            HeldFrame first = held.get(0);
            first.release();
            assertThatThrownBy(first::buffer)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("released");
            assertThat(decoder.canHoldFrame()).isTrue();
            HeldFrame fourth = decoder.next((t, i, o, k) -> true).hold();
            assertThat(pixelIndex(fourth)).isEqualTo(4);
            assertThat(pixelIndex(held.get(1)))
                    .as("the other held frame is untouched")
                    .isEqualTo(1);

            held.get(1).release();
            fourth.release();
            assertThat(decoder.heldFrames()).isZero();
            int expected = 5;
            for (DecodedFrame frame = decoder.next((t, i, o, k) -> true);
                    frame != null;
                    frame = decoder.next((t, i, o, k) -> true)) {
                assertThat(pixelIndex(frame))
                        .as("with nothing held, one buffer is rewritten")
                        .isEqualTo(expected++);
            }
            assertThat(expected).isEqualTo(camera.frameCount(0));
        }
    }

    private static int pixelIndex(DecodedFrame frame) {
        return FrameIndexCode.read(
                        frame.buffer(),
                        frame.pictureFormat().bytesPerPixel(),
                        frame.width(),
                        frame.height(),
                        frame.stride())
                .orElseThrow();
    }

    // ---- pixel formats
    // ----------------------------------------------------------------------------

    /**
     * Every frame of fragment 1, packed, in {@code pixelFormat} at {@code width x height} (0: the
     * stream's size).
     */
    private static List<byte[]> packedFrames(PictureFormat pixelFormat, int width, int height)
            throws Exception {
        DecoderSettings.Builder builder =
                settings(InputFormat.FRAGMENTED_MP4).pictureFormat(pixelFormat);
        try (FragmentDecoder decoder =
                new FragmentDecoder(builder.outputSize(width, height).build())) {
            decoder.open(camera.initSegment(), camera.mp4Fragment(1, START, 2));
            List<byte[]> frames = new ArrayList<>();
            int index = camera.frameCount(0);
            for (DecodedFrame f = decoder.next(FrameSampler.ALL);
                    f != null;
                    f = decoder.next(FrameSampler.ALL)) {
                assertThat(f.pictureFormat()).isEqualTo(pixelFormat);
                assertThat(f.stride())
                        .isGreaterThanOrEqualTo(pixelFormat.bytesPerPixel() * f.width());
                assertThat(
                                FrameIndexCode.read(
                                        f.buffer(),
                                        pixelFormat.bytesPerPixel(),
                                        f.width(),
                                        f.height(),
                                        f.stride()))
                        .as("%s frame %s", pixelFormat, index)
                        .hasValue(index++);
                frames.add(DecoderTestSupport.packed(f));
            }
            assertThat(frames).hasSize(camera.frameCount(1));
            return frames;
        }
    }

    @Test
    void rgbIsBgrWithRedAndBlueSwapped() throws Exception {
        List<byte[]> bgr = packedFrames(PictureFormat.BGR24, 0, 0);
        List<byte[]> rgb = packedFrames(PictureFormat.RGB24, 0, 0);
        for (int f = 0; f < bgr.size(); f++) {
            byte[] b = bgr.get(f);
            byte[] r = rgb.get(f);
            assertThat(r).hasSize(3 * 320 * 240);
            for (int p = 0; p < b.length; p += 3) {
                if (r[p] != b[p + 2] || r[p + 1] != b[p + 1] || r[p + 2] != b[p]) {
                    throw new AssertionError("frame " + f + " pixel " + p / 3 + " differs");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 160})
    void grayIsTheStreamsLimitedRangeLuma(int outputWidth) throws Exception {
        int width = outputWidth == 0 ? 320 : outputWidth;
        int height = width * 3 / 4;
        List<byte[]> bgr = packedFrames(PictureFormat.BGR24, outputWidth, outputWidth * 3 / 4);
        List<byte[]> gray = packedFrames(PictureFormat.GRAY8, outputWidth, outputWidth * 3 / 4);
        for (int f = 0; f < bgr.size(); f++) {
            byte[] b = bgr.get(f);
            byte[] g = gray.get(f);
            assertThat(g).hasSize(width * height);
            // BT.601 limited-range luma of the full-range BGR picture: what the stream coded.
            double error = 0;
            for (int p = 0; p < g.length; p++) {
                int blue = b[3 * p] & 0xFF;
                int green = b[3 * p + 1] & 0xFF;
                int red = b[3 * p + 2] & 0xFF;
                double luma = 16 + (65.481 * red + 128.553 * green + 24.966 * blue) / 255;
                error += Math.abs((g[p] & 0xFF) - luma);
            }
            assertThat(error / g.length).as("mean |grey - luma| of frame %s", f).isLessThan(2.0);
        }
    }

    /**
     * A frame packed into an array before anything read its pixels is converted then (GRAY8 luma
     * copied straight from the decoder's picture); it must hold what its buffer holds, for video
     * from encoders at their defaults too, at the stream's size and scaled.
     */
    @ParameterizedTest
    @CsvSource({
        "h264-opengop-320x240-15fps.mp4, BGR24, 0",
        "h265-opengop-320x240-15fps.mp4, RGB24, 0",
        "h264-bframes-320x240-15fps.mkv, GRAY8, 0",
        "h264-opengop-320x240-15fps.mp4, BGR24, 160",
    })
    void packsFramesStraightIntoAnArrayAsTheirBufferHoldsThem(
            String fixture, PictureFormat pixelFormat, int outputWidth) throws Exception {
        FragmentedMedia media = FileMedia.load(FIXTURES.resolve(fixture));
        DecoderSettings settings =
                settings(InputFormat.FRAGMENTED_MP4)
                        .pictureFormat(pixelFormat)
                        .outputSize(outputWidth, outputWidth * 3 / 4)
                        .build();
        try (FragmentDecoder straight = new FragmentDecoder(settings);
                FragmentDecoder throughBuffer = new FragmentDecoder(settings)) {
            int frames = 0;
            for (int i = 0; i <= media.fragmentCount(); i++) {
                if (i < media.fragmentCount()) {
                    byte[] fragment = media.mp4Fragment(i, START + 2000L * i, i + 1);
                    straight.openInStream(media.initSegment(), fragment, i > 0);
                    throughBuffer.openInStream(media.initSegment(), fragment, i > 0);
                } else {
                    straight.endStream();
                    throughBuffer.endStream();
                }
                for (DecodedFrame a = straight.next(FrameSampler.ALL);
                        a != null;
                        a = straight.next(FrameSampler.ALL)) {
                    byte[] packed = new byte[pixelFormat.bytesPerPixel() * a.width() * a.height()];
                    a.copyPackedTo(packed);
                    DecodedFrame b = throughBuffer.next(FrameSampler.ALL);
                    assertThat(packed)
                            .as("%s fragment %s frame %s", fixture, i, a.indexInFragment())
                            .isEqualTo(DecoderTestSupport.packed(b));
                    if (outputWidth == 0) {
                        assertThat(
                                        FrameIndexCode.read(
                                                ByteBuffer.wrap(packed),
                                                pixelFormat.bytesPerPixel(),
                                                a.width(),
                                                a.height(),
                                                pixelFormat.bytesPerPixel() * a.width()))
                                .hasValue(frames);
                    }
                    frames++;
                }
                assertThat(throughBuffer.next(FrameSampler.ALL)).isNull();
            }
            assertThat(frames).isEqualTo(media.fragmentCount() * 30);
            assertThat(straight.conversions()).isEqualTo(frames);
        }
    }

    @Test
    void aPackedCopyNamesAnArrayOfTheWrongSize() throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            decoder.open(camera.initSegment(), camera.mp4Fragment(0, START, 1));
            DecodedFrame frame = decoder.next(FrameSampler.ALL);
            assertThatThrownBy(() -> frame.copyPackedTo(new byte[3]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("A 320x240 BGR24 frame needs 230400 bytes but the array has 3.");
            assertThat(decoder.conversions()).isZero();
        }
    }

    @Test
    void picturesWhosePixelsNobodyReadsAreNotConverted() throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            decoder.open(camera.initSegment(), camera.mp4Fragment(0, START, 1));
            int frames = 0;
            DecodedFrame last = null;
            for (DecodedFrame f = decoder.next(FrameSampler.ALL);
                    f != null;
                    f = decoder.next(FrameSampler.ALL)) {
                if (frames++ % 3 == 0) {
                    assertThat(FrameIndexCode.read(f.buffer(), f.width(), f.height(), f.stride()))
                            .hasValue(frames - 1);
                }
                last = f;
            }
            assertThat(frames).isEqualTo(camera.frameCount(0));
            assertThat(decoder.conversions()).isEqualTo((frames + 2) / 3);
            DecodedFrame gone = last;
            assertThatThrownBy(() -> gone.copyPackedTo(new byte[3 * 320 * 240]))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("moved on to its next picture");
        }
    }

    @ParameterizedTest
    @EnumSource(PictureFormat.class)
    void aFrameReadBeforeTheFragmentEndedCannotBeReadAfterIt(PictureFormat format)
            throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(
                        settings(InputFormat.FRAGMENTED_MP4)
                                .pictureFormat(format)
                                .lendPictures(true)
                                .build())) {
            decoder.open(camera.initSegment(), camera.mp4Fragment(0, START, 1));
            DecodedFrame last = null;
            int frames = 0;
            for (DecodedFrame f = decoder.next(FrameSampler.ALL);
                    f != null;
                    f = decoder.next(FrameSampler.ALL)) {
                assertThat(pixelIndex(f)).isEqualTo(frames++);
                last = f;
            }
            // The last frame's pixels were read (a luma plane lent, or a converted buffer), then
            // the fragment ended and the decoder let its picture go.
            DecodedFrame gone = last;
            byte[] packed = new byte[format.bytesPerPixel() * gone.width() * gone.height()];
            assertThatThrownBy(() -> gone.copyPackedTo(packed))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("moved on to its next picture");
            assertThatThrownBy(gone::buffer).isInstanceOf(IllegalStateException.class);
        }
    }

    // ---- output size and resolution changes
    // -------------------------------------------------------

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void scalesToTheOutputSizeInTheConversion(InputFormat format) throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(format).outputSize(160, 120).build())) {
            decoder.open(init(camera, format), fragment(camera, format, 1, START));
            DecodedFrame frame = decoder.next(FrameSampler.ALL);
            assertThat(frame.width()).isEqualTo(160);
            assertThat(frame.height()).isEqualTo(120);
            assertThat(frame.sourceWidth()).isEqualTo(320);
            assertThat(frame.sourceHeight()).isEqualTo(240);
            assertThat(frame.stride()).isGreaterThanOrEqualTo(3 * 160);
            ByteBuffer buffer = frame.buffer();
            assertThat(buffer.isReadOnly()).isTrue();
            assertThat(buffer.position()).isZero();
            assertThat(FrameIndexCode.read(buffer, 160, 120, frame.stride()))
                    .hasValue(camera.frameCount(0));
            byte[] packed = DecoderTestSupport.packed(frame);
            assertThat(packed).hasSize(3 * 160 * 120);
            assertThat(FrameIndexCode.read(packed, 160, 120, 3 * 160))
                    .hasValue(camera.frameCount(0));
            // The packed copy is the buffer without its row padding.
            for (int y = 0; y < 120; y += 17) {
                byte[] row = new byte[3 * 160];
                buffer.position(y * frame.stride());
                buffer.get(row);
                assertThat(java.util.Arrays.copyOfRange(packed, y * 480, y * 480 + 480))
                        .isEqualTo(row);
            }
            List<Integer> rest = new ArrayList<>();
            while ((frame = decoder.next(FrameSampler.ALL)) != null) {
                rest.add(
                        FrameIndexCode.read(
                                        frame.buffer(),
                                        frame.width(),
                                        frame.height(),
                                        frame.stride())
                                .orElse(-1));
            }
            assertThat(rest).isEqualTo(range(camera.frameCount(0) + 1, camera.frameCount(1) - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void followsAResolutionChangeBetweenFragments(InputFormat format) throws Exception {
        FragmentedMedia large = SyntheticCamera.encode(640, 360, FPS, 1, 2);
        try (FragmentDecoder decoder = new FragmentDecoder(settings(format).build())) {
            List<Got> small1 =
                    decodeAll(decoder, init(camera, format), fragment(camera, format, 0, START));
            List<Got> big =
                    decodeAll(
                            decoder, init(large, format), fragment(large, format, 1, START + 2000));
            List<Got> small2 =
                    decodeAll(
                            decoder,
                            init(camera, format),
                            fragment(camera, format, 4, START + 3000));
            assertThat(pixelIndices(small1)).isEqualTo(range(0, camera.frameCount(0)));
            assertThat(pixelIndices(big))
                    .isEqualTo(range(large.frameCount(0), large.frameCount(1)));
            assertThat(pixelIndices(small2))
                    .isEqualTo(range(4 * camera.frameCount(0), camera.frameCount(4)));
            assertThat(big)
                    .allSatisfy(
                            f ->
                                    assertThat(
                                                    List.of(
                                                            f.width(),
                                                            f.height(),
                                                            f.sourceWidth(),
                                                            f.sourceHeight()))
                                            .containsExactly(640, 360, 640, 360));
            assertThat(small2)
                    .allSatisfy(
                            f ->
                                    assertThat(List.of(f.width(), f.height()))
                                            .containsExactly(320, 240));
            assertThat(offsets(big)).isEqualTo(expectedOffsets(large.frameCount(1), FPS));
            // fMP4 announces each size in its init segment: a fresh decoder at each change. An
            // MPEG-TS
            // stream's size is only in its in-band SPS, which the same decoder follows by itself.
            assertThat(decoder.decodersOpened())
                    .isEqualTo(format == InputFormat.FRAGMENTED_MP4 ? 3 : 1);
        }
    }

    @Test
    void aFragmentThatFailsWhileDecodingDiscardsItsDecoder() throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            decodeAll(decoder, camera.initSegment(), camera.mp4Fragment(0, START, 1));
            byte[] cut = withMdatCut(camera.mp4Fragment(1, START + 2000, 2));
            List<Got> before = new ArrayList<>();
            assertThatThrownBy(
                            () -> {
                                decoder.open(camera.initSegment(), cut);
                                for (DecodedFrame f = decoder.next(FrameSampler.ALL);
                                        f != null;
                                        f = decoder.next(FrameSampler.ALL)) {
                                    before.add(DecoderTestSupport.got(f));
                                }
                            })
                    .isInstanceOf(CorruptFragmentException.class);
            assertThat(pixelIndices(before))
                    .as("frames before the damage are good")
                    .isEqualTo(range(camera.frameCount(0), before.size()));
            assertThat(decoder.decodersOpened()).isEqualTo(1);

            List<Got> after =
                    decodeAll(
                            decoder, camera.initSegment(), camera.mp4Fragment(2, START + 4000, 3));
            assertThat(pixelIndices(after))
                    .isEqualTo(range(2 * camera.frameCount(0), camera.frameCount(2)));
            assertThat(decoder.decodersOpened())
                    .as("the failed fragment's decoder is not reused")
                    .isEqualTo(2);
        }
    }

    /** The fragment with the second half of its mdat payload gone, the mdat's size adjusted. */
    private static byte[] withMdatCut(byte[] fragment) {
        ByteBuffer boxes = ByteBuffer.wrap(fragment);
        while (boxes.remaining() >= 8) {
            int at = boxes.position();
            int size = boxes.getInt(at);
            String type =
                    new String(fragment, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("mdat")) {
                int newSize = 8 + (size - 8) / 2;
                byte[] cut = java.util.Arrays.copyOf(fragment, at + newSize);
                ByteBuffer.wrap(cut).putInt(at, newSize);
                return cut;
            }
            boxes.position(at + size);
        }
        throw new AssertionError("no mdat box");
    }

    // ---- limits
    // -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void rejectsFramesAboveThePixelLimit(InputFormat format) throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(format).maxFramePixels(320L * 240 - 1).build())) {
            assertThatThrownBy(
                            () ->
                                    decodeAll(
                                            decoder,
                                            init(camera, format),
                                            fragment(camera, format, 0, START)))
                    .isInstanceOf(CorruptFragmentException.class)
                    .hasMessageContaining("320x240 = 76800 pixels, above the limit of 76799");
            assertThat(decoder.conversions()).isZero();
        }
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(format).maxFramePixels(320L * 240).build())) {
            assertThat(decodeAll(decoder, init(camera, format), fragment(camera, format, 0, START)))
                    .hasSize(camera.frameCount(0));
        }
    }

    @Test
    void aFragmentOverItsTimeLimitIsCorrupt() throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(
                        settings(InputFormat.FRAGMENTED_MP4)
                                .maxDecodeTime(java.time.Duration.ofNanos(1))
                                .build())) {
            assertThatThrownBy(
                            () ->
                                    decodeAll(
                                            decoder,
                                            camera.initSegment(),
                                            camera.mp4Fragment(0, START, 1)))
                    .isInstanceOf(CorruptFragmentException.class)
                    .hasMessageContaining("longer than the limit of PT0.000000001S");
        }
    }

    // ---- lifecycle
    // --------------------------------------------------------------------------------

    @Test
    void lifecycle() throws Exception {
        FragmentDecoder decoder = new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build());
        assertThatThrownBy(() -> decoder.next(FrameSampler.ALL))
                .isInstanceOf(IllegalStateException.class);
        decodeAll(decoder, camera.initSegment(), camera.mp4Fragment(0, START, 1));
        assertThat(decoder.next(FrameSampler.ALL)).as("after the end").isNull();
        // Opening the next fragment before the previous one ended is fine.
        decoder.open(camera.initSegment(), camera.mp4Fragment(1, START, 2));
        assertThat(decoder.next(FrameSampler.ALL)).isNotNull();
        decoder.open(camera.initSegment(), camera.mp4Fragment(2, START, 3));
        DecodedFrame frame = decoder.next(FrameSampler.ALL);
        assertThat(
                        FrameIndexCode.read(
                                frame.buffer(), frame.width(), frame.height(), frame.stride()))
                .hasValue(2 * camera.frameCount(0));
        decoder.close();
        decoder.close();
        assertThatThrownBy(
                        () -> decoder.open(camera.initSegment(), camera.mp4Fragment(0, START, 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> DecoderSettings.builder().threads(65))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 64");
        assertThatThrownBy(() -> new FragmentDecoder(null))
                .isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void keepsWorkingWhenTheCallerLeavesFragmentsHalfRead(int framesRead) throws Exception {
        try (FragmentDecoder decoder = new FragmentDecoder(settings(InputFormat.MPEG_TS).build())) {
            for (int i = 0; i < camera.fragmentCount(); i++) {
                decoder.open(null, camera.tsFragment(i, START));
                for (int k = 0; k < framesRead; k++) {
                    DecodedFrame frame = decoder.next(FrameSampler.ALL);
                    assertThat(
                                    FrameIndexCode.read(
                                            frame.buffer(),
                                            frame.width(),
                                            frame.height(),
                                            frame.stride()))
                            .hasValue(i * camera.frameCount(0) + k);
                }
            }
            assertThat(decoder.decodersOpened())
                    .as("flushed, not reopened, after a half-read fragment")
                    .isEqualTo(1);
        }
    }
}
