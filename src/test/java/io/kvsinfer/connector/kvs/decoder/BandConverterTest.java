package io.kvsinfer.connector.kvs.decoder;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P10LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * Bands must give exactly the pixels of one whole-picture swscale pass. Random samples are the hard
 * case: every chroma row differs from its neighbours, so a band that interpolated chroma across its
 * edge, or read the wrong chroma row, changes pixels.
 */
class BandConverterTest {

    @ParameterizedTest
    @CsvSource({
        // The usual camera: 4:2:0, limited range, 720p (45 whole bands) and 1080p (a last band of
        // 8).
        "YUV420P, 1280, 720, false, BGR24",
        "YUV420P, 1920, 1080, true, BGR24",
        "YUVJ420P, 1280, 720, false, RGB24",
        // Rows not a multiple of 64 bytes, and a last band of 10 rows.
        "YUV420P, 642, 362, false, BGR24",
        "YUV422P, 640, 360, true, BGR24",
        "YUVJ422P, 642, 360, false, RGB24",
        "YUV444P, 640, 360, false, BGR24",
        "YUVJ444P, 646, 358, true, BGR24",
    })
    void bandsGiveTheWholePassPixelsExactly(
            String pixelFormat, int width, int height, boolean bt709, PictureFormat format)
            throws Exception {
        AVFrame picture = randomPicture(avFormatOf(pixelFormat), width, height, bt709, 7);
        try (BandConverter bands = new BandConverter(format)) {
            assertThat(BandConverter.accepts(picture, format, width, height)).isTrue();
            bands.prepare(picture);
            byte[] whole = wholePass(picture, format);

            byte[] packed = new byte[whole.length];
            bands.convert(picture, packed);
            assertThat(firstDifference(packed, whole)).as("into an array").isEqualTo(-1);

            int stride = OutputBuffers.alignedRow(3 * width);
            ByteBuffer rows = OutputBuffers.allocateAligned(stride * height);
            bands.convert(picture, new BytePointer(rows), stride);
            byte[] fromRows = new byte[whole.length];
            PackedRows.pack(rows, 3 * width, height, stride, fromRows);
            assertThat(firstDifference(fromRows, whole)).as("into strided rows").isEqualTo(-1);
        } finally {
            av_frame_free(picture);
        }
    }

    @Test
    void aNewPictureOfAnotherSizeOrRangeGetsNewBands() throws Exception {
        try (BandConverter bands = new BandConverter(PictureFormat.BGR24)) {
            for (AVFrame picture :
                    new AVFrame[] {
                        randomPicture(AV_PIX_FMT_YUV420P, 320, 240, false, 1),
                        randomPicture(AV_PIX_FMT_YUVJ420P, 320, 240, false, 2),
                        randomPicture(AV_PIX_FMT_YUV420P, 1280, 720, true, 3),
                        randomPicture(AV_PIX_FMT_YUV444P, 1280, 720, true, 4)
                    }) {
                bands.prepare(picture);
                byte[] whole = wholePass(picture, PictureFormat.BGR24);
                byte[] packed = new byte[whole.length];
                bands.convert(picture, packed);
                assertThat(firstDifference(packed, whole)).isEqualTo(-1);
                av_frame_free(picture);
            }
        }
    }

    @Test
    void takesOnlyPicturesWhoseRowsConvertIndependently() {
        AVFrame yuv = randomPicture(AV_PIX_FMT_YUV420P, 320, 240, false, 1);
        AVFrame oddRows = randomPicture(AV_PIX_FMT_YUV420P, 320, 241, false, 1);
        AVFrame tenBit = randomPicture(AV_PIX_FMT_YUV420P10LE, 320, 240, false, 1);
        AVFrame semiPlanar = randomPicture(AV_PIX_FMT_NV12, 320, 240, false, 1);
        try {
            assertThat(BandConverter.accepts(yuv, PictureFormat.BGR24, 320, 240)).isTrue();
            assertThat(BandConverter.accepts(yuv, PictureFormat.BGR24, 160, 120))
                    .as("scaled: rows interpolate across bands")
                    .isFalse();
            assertThat(BandConverter.accepts(yuv, PictureFormat.GRAY8, 320, 240)).isFalse();
            assertThat(BandConverter.accepts(oddRows, PictureFormat.BGR24, 320, 241)).isFalse();
            assertThat(BandConverter.accepts(tenBit, PictureFormat.BGR24, 320, 240)).isFalse();
            assertThat(BandConverter.accepts(semiPlanar, PictureFormat.BGR24, 320, 240)).isFalse();
        } finally {
            av_frame_free(yuv);
            av_frame_free(oddRows);
            av_frame_free(tenBit);
            av_frame_free(semiPlanar);
        }
    }

    private static int avFormatOf(String name) {
        return switch (name) {
            case "YUV420P" -> AV_PIX_FMT_YUV420P;
            case "YUVJ420P" -> AV_PIX_FMT_YUVJ420P;
            case "YUV422P" -> AV_PIX_FMT_YUV422P;
            case "YUVJ422P" -> AV_PIX_FMT_YUVJ422P;
            case "YUV444P" -> AV_PIX_FMT_YUV444P;
            case "YUVJ444P" -> AV_PIX_FMT_YUVJ444P;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A picture whose every sample (padding included) is random. */
    private static AVFrame randomPicture(
            int pixelFormat, int width, int height, boolean bt709, long seed) {
        AVFrame picture = av_frame_alloc();
        picture.width(width);
        picture.height(height);
        picture.format(pixelFormat);
        if (bt709) {
            picture.colorspace(AVCOL_SPC_BT709);
        }
        if (pixelFormat == AV_PIX_FMT_YUVJ420P) {
            picture.color_range(AVCOL_RANGE_JPEG);
        }
        assertThat(av_frame_get_buffer(picture, 64)).isZero();
        Random random = new Random(seed);
        for (int plane = 0; plane < 4 && picture.data(plane) != null; plane++) {
            long size = (long) picture.linesize(plane) * planeRows(pixelFormat, plane, height);
            byte[] samples = new byte[(int) size];
            random.nextBytes(samples);
            picture.data(plane).capacity(size).put(samples);
        }
        return picture;
    }

    private static int planeRows(int pixelFormat, int plane, int height) {
        boolean halfHeightChroma =
                pixelFormat == AV_PIX_FMT_YUV420P
                        || pixelFormat == AV_PIX_FMT_YUVJ420P
                        || pixelFormat == AV_PIX_FMT_YUV420P10LE
                        || pixelFormat == AV_PIX_FMT_NV12;
        return plane > 0 && halfHeightChroma ? (height + 1) / 2 : height;
    }

    /**
     * What one sws_scale of the whole picture gives with the same colour details, into rows as
     * {@link OutputBuffers} aligns them (swscale takes other code paths for unaligned rows, whose
     * last pixels of a row may differ).
     */
    private static byte[] wholePass(AVFrame picture, PictureFormat format) {
        int width = picture.width();
        int height = picture.height();
        SwsContext whole =
                sws_getContext(
                        width,
                        height,
                        picture.format(),
                        width,
                        height,
                        format == PictureFormat.RGB24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_BGR24,
                        SWS_BILINEAR,
                        null,
                        null,
                        (DoublePointer) null);
        int range = PictureConverter.isFullRange(picture) ? 1 : 0;
        PictureConverter.setColourDetails(whole, picture.colorspace(), range, 1);
        int rowBytes = 3 * width;
        int stride = OutputBuffers.alignedRow(rowBytes);
        try (BytePointer out = new BytePointer((long) stride * height);
                PointerPointer<BytePointer> planes = new PointerPointer<>(4);
                IntPointer strides = new IntPointer(4)) {
            planes.put(0, out);
            strides.put(0, stride);
            assertThat(
                            sws_scale(
                                    whole,
                                    picture.data(),
                                    picture.linesize(),
                                    0,
                                    height,
                                    planes,
                                    strides))
                    .isEqualTo(height);
            byte[] pixels = new byte[rowBytes * height];
            PackedRows.pack(out.asByteBuffer(), rowBytes, height, stride, pixels);
            return pixels;
        } finally {
            sws_freeContext(whole);
        }
    }

    private static int firstDifference(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return -1;
    }
}
