package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import java.nio.ByteBuffer;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

/**
 * Converts a picture at its own size to BGR24 or RGB24 a band of {@link #BAND_ROWS} rows at a time,
 * each band as a picture of its own. Into a Java array, through a band buffer small enough to stay
 * in the core's cache: the picture is read once and the array written once, where converting the
 * whole picture and then copying it writes and reads back a frame-sized buffer (2.7 MB at 720p,
 * more than a core's cache) in between. Measured here with two threads converting 720p frames of 30
 * cameras, converting and copying took 0.72 to 0.82 ms a frame in bands against 0.87 to 1.09 ms
 * whole.
 *
 * <p>Bands give the same pixels as one pass only where swscale converts each row from its own
 * source rows: planar 8-bit YUV to RGB at the same size, whose chroma rows it repeats rather than
 * interpolates; {@link #accepts} admits only those, and tests compare both ways pixel for pixel.
 */
@Internal
final class BandConverter implements AutoCloseable {

    /** Rows a band: a multiple of every admitted format's chroma rows; 61 KB of 1280-wide BGR24. */
    static final int BAND_ROWS = 16;

    private final int avFormat;

    private SwsContext band;
    private SwsContext lastBand;
    private int width;
    private int height;
    private int sourceFormat = -1;
    private int colorspace = -1;
    private int fullRange = -1;
    private int chromaShift;

    private int bandStride;
    private BytePointer bandPixels;
    private ByteBuffer bandView;
    private final PointerPointer<BytePointer> sourcePlanes = new PointerPointer<>(4);
    private final IntPointer sourceStrides = new IntPointer(4);
    private final PointerPointer<BytePointer> targetPlanes = new PointerPointer<>(4);
    private final IntPointer targetStrides = new IntPointer(4);

    BandConverter(PictureFormat format) {
        this.avFormat = format == PictureFormat.RGB24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_BGR24;
    }

    /** Whether {@code picture} converts to {@code format} at {@code width x height} in bands. */
    static boolean accepts(AVFrame picture, PictureFormat format, int width, int height) {
        return format != PictureFormat.GRAY8
                && width == picture.width()
                && height == picture.height()
                && height % 2 == 0
                && isPlanarEightBitYuv(picture.format());
    }

    private static boolean isPlanarEightBitYuv(int pictureFormat) {
        return pictureFormat == AV_PIX_FMT_YUV420P
                || pictureFormat == AV_PIX_FMT_YUVJ420P
                || pictureFormat == AV_PIX_FMT_YUV422P
                || pictureFormat == AV_PIX_FMT_YUVJ422P
                || pictureFormat == AV_PIX_FMT_YUV444P
                || pictureFormat == AV_PIX_FMT_YUVJ444P;
    }

    /**
     * Makes the band contexts for {@code picture} unless they are made already.
     *
     * @throws CorruptFragmentException if swscale cannot convert it
     */
    void prepare(AVFrame picture) throws CorruptFragmentException {
        int range = PictureConverter.isFullRange(picture) ? 1 : 0;
        if (band != null
                && picture.width() == width
                && picture.height() == height
                && picture.format() == sourceFormat
                && picture.colorspace() == colorspace
                && range == fullRange) {
            return;
        }
        width = picture.width();
        height = picture.height();
        sourceFormat = picture.format();
        colorspace = picture.colorspace();
        fullRange = range;
        chromaShift =
                sourceFormat == AV_PIX_FMT_YUV420P || sourceFormat == AV_PIX_FMT_YUVJ420P ? 1 : 0;
        band = context(band, BAND_ROWS, picture, range);
        int lastRows = height % BAND_ROWS;
        lastBand = lastRows == 0 ? freed(lastBand) : context(lastBand, lastRows, picture, range);
        bandStride = OutputBuffers.alignedRow(3 * width);
        int bandBytes = bandStride * BAND_ROWS;
        if (bandView == null || bandView.capacity() < bandBytes) {
            bandView = OutputBuffers.allocateAligned(bandBytes);
            bandPixels = new BytePointer(bandView);
        }
    }

    private SwsContext context(SwsContext reused, int rows, AVFrame picture, int range)
            throws CorruptFragmentException {
        SwsContext made =
                sws_getCachedContext(
                        reused,
                        width,
                        rows,
                        sourceFormat,
                        width,
                        rows,
                        avFormat,
                        SWS_BILINEAR,
                        null,
                        null,
                        (DoublePointer) null);
        if (made == null) {
            band = null;
            throw new CorruptFragmentException(
                    "swscale cannot convert bands of "
                            + width
                            + "x"
                            + rows
                            + " pixel format "
                            + sourceFormat);
        }
        PictureConverter.setColourDetails(made, picture.colorspace(), range, 1);
        return made;
    }

    private static SwsContext freed(SwsContext context) {
        if (context != null) {
            sws_freeContext(context);
        }
        return null;
    }

    /** Converts {@code picture} into {@code out}, packed rows of {@code 3 * width} bytes. */
    void convert(AVFrame picture, byte[] out) {
        int rowBytes = 3 * width;
        targetPlanes.put(0, bandPixels);
        targetStrides.put(0, bandStride);
        for (int y = 0; y < height; y += BAND_ROWS) {
            int rows = convertBand(picture, y);
            if (bandStride == rowBytes) {
                bandView.get(0, out, y * rowBytes, rows * rowBytes);
            } else {
                for (int row = 0; row < rows; row++) {
                    bandView.get(row * bandStride, out, (y + row) * rowBytes, rowBytes);
                }
            }
        }
    }

    /** Converts {@code picture} into {@code rows}, {@code stride} bytes apart. */
    void convert(AVFrame picture, BytePointer rows, int stride) {
        BytePointer target = new BytePointer(rows);
        targetStrides.put(0, stride);
        for (int y = 0; y < height; y += BAND_ROWS) {
            targetPlanes.put(0, target.position(rows.position() + (long) y * stride));
            convertBand(picture, y);
        }
    }

    /** Converts the band that starts at row {@code y} into the target planes; its rows. */
    private int convertBand(AVFrame picture, int y) {
        int rows = Math.min(BAND_ROWS, height - y);
        for (int plane = 0; plane < 3; plane++) {
            int stride = picture.linesize(plane);
            int firstRow = plane == 0 ? y : y >> chromaShift;
            sourceStrides.put(plane, stride);
            sourcePlanes.put(plane, picture.data(plane).position((long) firstRow * stride));
        }
        int written =
                sws_scale(
                        rows == BAND_ROWS ? band : lastBand,
                        sourcePlanes,
                        sourceStrides,
                        0,
                        rows,
                        targetPlanes,
                        targetStrides);
        if (written != rows) {
            throw new IllegalStateException(
                    "swscale wrote " + written + " rows of a band of " + rows + " at row " + y);
        }
        return rows;
    }

    @Override
    public void close() {
        band = freed(band);
        lastBand = freed(lastBand);
        sourcePlanes.close();
        sourceStrides.close();
        targetPlanes.close();
        targetStrides.close();
        bandPixels = null;
        bandView = null;
    }
}
