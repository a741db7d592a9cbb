package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ411P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_DEFAULT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

/**
 * Converts (and scales, in the same pass) decoded pictures to BGR24 with swscale, into a pixel
 * buffer reused from frame to frame unless a frame holds it ({@link OutputBuffers}). The {@code
 * SwsContext} is kept while the input size, pixel format, colour matrix and range and the output
 * size stay the same, which across the fragments of one camera is always, until the camera
 * changes resolution.
 */
@Internal
final class BgrConverter implements AutoCloseable {

    private SwsContext context;
    private int sourceWidth;
    private int sourceHeight;
    private int sourceFormat = -1;
    private int colorspace = -1;
    private int fullRange = -1;
    private int width;
    private int height;

    private final OutputBuffers outputs = new OutputBuffers();
    private OutputBuffers.Buffer output;
    private final PointerPointer<BytePointer> targetPlanes = new PointerPointer<>(4);
    private final IntPointer targetStrides = new IntPointer(4);

    private long conversions;

    /**
     * Converts {@code picture} to BGR24 at {@code width x height}; the result is in
     * {@link #output()} until the next call.
     */
    void convert(AVFrame picture, int width, int height) throws CorruptFragmentException {
        prepare(picture, width, height);
        output = outputs.takeFree(width, height);
        targetPlanes.put(0, output.pointer);
        targetStrides.put(0, output.stride);
        int rows = sws_scale(context, picture.data(), picture.linesize(), 0, picture.height(),
                targetPlanes, targetStrides);
        if (rows != height) {
            throw new CorruptFragmentException("swscale produced " + rows + " rows of " + height
                    + (rows < 0 ? ": " + FfmpegErrors.describe(rows) : ""));
        }
        conversions++;
    }

    private void prepare(AVFrame picture, int width, int height) throws CorruptFragmentException {
        int format = picture.format();
        int range = isFullRange(picture) ? 1 : 0;
        if (context != null && picture.width() == sourceWidth && picture.height() == sourceHeight
                && format == sourceFormat && picture.colorspace() == colorspace && range == fullRange
                && width == this.width && height == this.height) {
            return;
        }
        context = sws_getCachedContext(context, picture.width(), picture.height(), format,
                width, height, AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null, (DoublePointer) null);
        if (context == null) {
            throw new CorruptFragmentException("swscale cannot convert " + picture.width() + "x"
                    + picture.height() + " pixel format " + format + " to BGR24 " + width + "x" + height);
        }
        // The stream's own matrix (BT.601 when unspecified) and range; BGR output is full range.
        sws_setColorspaceDetails(context, sws_getCoefficients(picture.colorspace()), range,
                sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
        sourceWidth = picture.width();
        sourceHeight = picture.height();
        sourceFormat = format;
        colorspace = picture.colorspace();
        fullRange = range;
        this.width = width;
        this.height = height;
    }

    private static boolean isFullRange(AVFrame picture) {
        int format = picture.format();
        return picture.color_range() == AVCOL_RANGE_JPEG
                || format == AV_PIX_FMT_YUVJ420P
                || format == AV_PIX_FMT_YUVJ422P
                || format == AV_PIX_FMT_YUVJ444P
                || format == AV_PIX_FMT_YUVJ440P
                || format == AV_PIX_FMT_YUVJ411P;
    }

    /** The buffer of the last conversion. */
    OutputBuffers.Buffer output() {
        return output;
    }

    /** Whether one more converted frame may be held. */
    boolean canHoldOutput() {
        return outputs.canHold();
    }

    /** Output buffers currently held by frames. */
    int heldOutputs() {
        return outputs.held();
    }

    /** Pictures converted since this converter was made; tests use it to see sampling skip work. */
    long conversions() {
        return conversions;
    }

    @Override
    public void close() {
        if (context != null) {
            sws_freeContext(context);
            context = null;
        }
        targetPlanes.close();
        targetStrides.close();
        output = null;
    }
}
