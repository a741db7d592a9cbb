package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import javax.annotation.Nullable;

import java.nio.ByteBuffer;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV21;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ411P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_DEFAULT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

/**
 * Converts (and scales, in the same pass) decoded pictures to the output {@link PictureFormat} with
 * swscale, when their pixels are first read: into a pixel buffer reused from frame to frame unless
 * a frame holds it ({@link OutputBuffers}). A picture whose pixels nobody reads is never converted.
 * The {@code SwsContext} is kept while the input size, pixel format, colour matrix and range and
 * the output size stay the same, which across the fragments of one camera is always, until the
 * camera changes resolution.
 *
 * <p>GRAY8 at the stream's own size from an 8-bit YUV picture is the luma plane itself, without
 * swscale, which would take as long as a colour conversion for it: copied, or where {@link
 * DecoderSettings#lendPictures()} allows, handed out where the decoder wrote it and copied only for
 * a frame that is held.
 */
@Internal
final class PictureConverter implements AutoCloseable {

    private final PictureFormat format;
    private final int avFormat;
    private final boolean lendPictures;

    private SwsContext context;
    private int sourceWidth;
    private int sourceHeight;
    private int sourceFormat = -1;
    private int colorspace = -1;
    private int fullRange = -1;
    private int width;
    private int height;

    private final OutputBuffers outputs = new OutputBuffers();
    @Nullable private OutputBuffers.Buffer output;
    private final PointerPointer<BytePointer> targetPlanes = new PointerPointer<>(4);
    private final IntPointer targetStrides = new IntPointer(4);

    /** The decoder's picture whose pixels are to be read, or null once the decoder moved on. */
    @Nullable private AVFrame pending;

    private Way way;
    private int pendingWidth;
    private int pendingHeight;

    private long conversions;

    /** How the pending picture becomes the output. */
    private enum Way {
        LUMA_PLANE,
        SWSCALE
    }

    PictureConverter(PictureFormat format, boolean lendPictures) {
        this.format = format;
        this.lendPictures = lendPictures;
        this.avFormat =
                switch (format) {
                    case BGR24 -> AV_PIX_FMT_BGR24;
                    case RGB24 -> AV_PIX_FMT_RGB24;
                    case GRAY8 -> AV_PIX_FMT_GRAY8;
                };
    }

    /**
     * Takes {@code picture} to convert to the output format at {@code width x height} when its
     * pixels are first read, until {@link #forgetPicture()}; checks now that swscale can.
     *
     * @throws CorruptFragmentException if swscale cannot convert it
     */
    void accept(AVFrame picture, int width, int height) throws CorruptFragmentException {
        output = null;
        pending = picture;
        pendingWidth = width;
        pendingHeight = height;
        if (format == PictureFormat.GRAY8
                && width == picture.width()
                && height == picture.height()
                && hasEightBitLumaPlane(picture.format())
                && picture.linesize(0) >= width) {
            way = Way.LUMA_PLANE;
        } else {
            way = Way.SWSCALE;
            prepare(picture, width, height);
        }
    }

    /**
     * The decoder is about to reuse or free the picture: its pixels can no longer be read, nor what
     * was converted from them (a borrowed luma plane is the picture's own memory, and an output
     * buffer goes to the next picture).
     */
    void forgetPicture() {
        pending = null;
        output = null;
    }

    /**
     * The accepted picture's pixels in a buffer, converted now if they were not yet; valid until
     * the next picture is accepted.
     *
     * @throws IllegalStateException if the decoder moved on before the pixels were read
     */
    OutputBuffers.Buffer output() {
        if (output == null) {
            AVFrame picture = requirePending();
            switch (way) {
                case LUMA_PLANE -> {
                    output = borrowLuma(picture, pendingWidth, pendingHeight);
                    if (!lendPictures) {
                        output = output.owned();
                    }
                }
                case SWSCALE -> {
                    OutputBuffers.Buffer target =
                            outputs.takeFree(format.bytesPerPixel() * pendingWidth, pendingHeight);
                    scale(picture, target, pendingHeight);
                    output = target;
                }
            }
            conversions++;
        }
        return output;
    }

    /**
     * Packs the accepted picture's pixels into {@code out}: straight from the decoder's luma plane
     * where that is the output, otherwise from {@link #output()}.
     */
    void packInto(byte[] out) {
        if (output == null && way == Way.LUMA_PLANE) {
            borrowLuma(requirePending(), pendingWidth, pendingHeight).packInto(out);
            conversions++;
        } else {
            output().packInto(out);
        }
    }

    private AVFrame requirePending() {
        if (pending == null) {
            throw new IllegalStateException(
                    "the decoder moved on to its next picture before this one's pixels were read");
        }
        return pending;
    }

    private void scale(AVFrame picture, OutputBuffers.Buffer target, int height) {
        targetPlanes.put(0, target.pointer);
        targetStrides.put(0, target.stride);
        int rows =
                sws_scale(
                        context,
                        picture.data(),
                        picture.linesize(),
                        0,
                        picture.height(),
                        targetPlanes,
                        targetStrides);
        if (rows != height) {
            // The context was made for this picture's size and format: not the data's fault.
            throw new IllegalStateException(
                    "swscale produced "
                            + rows
                            + " rows of "
                            + height
                            + (rows < 0 ? ": " + FfmpegErrors.describe(rows) : ""));
        }
    }

    /**
     * The picture's luma plane itself, without a copy: a frame mapped before the next picture reads
     * it where the decoder wrote it, and one that is held gets a copy then. FFmpeg allocates a
     * plane for at least {@code linesize} times the coded height, never less than the picture's.
     */
    private OutputBuffers.Buffer borrowLuma(AVFrame picture, int width, int height) {
        int linesize = picture.linesize(0);
        ByteBuffer luma = picture.data(0).capacity((long) linesize * height).asByteBuffer();
        return outputs.borrow(luma, linesize, width, height);
    }

    /** Planar or semi-planar 8-bit YUV (or grey): plane 0 is the luma, one byte a pixel. */
    private static boolean hasEightBitLumaPlane(int pictureFormat) {
        return pictureFormat == AV_PIX_FMT_YUV420P
                || pictureFormat == AV_PIX_FMT_YUVJ420P
                || pictureFormat == AV_PIX_FMT_YUV422P
                || pictureFormat == AV_PIX_FMT_YUVJ422P
                || pictureFormat == AV_PIX_FMT_YUV444P
                || pictureFormat == AV_PIX_FMT_YUVJ444P
                || pictureFormat == AV_PIX_FMT_NV12
                || pictureFormat == AV_PIX_FMT_NV21
                || pictureFormat == AV_PIX_FMT_GRAY8;
    }

    private void prepare(AVFrame picture, int width, int height) throws CorruptFragmentException {
        int sourcePixels = picture.format();
        int range = isFullRange(picture) ? 1 : 0;
        if (context != null
                && picture.width() == sourceWidth
                && picture.height() == sourceHeight
                && sourcePixels == sourceFormat
                && picture.colorspace() == colorspace
                && range == fullRange
                && width == this.width
                && height == this.height) {
            return;
        }
        context =
                sws_getCachedContext(
                        context,
                        picture.width(),
                        picture.height(),
                        sourcePixels,
                        width,
                        height,
                        avFormat,
                        SWS_BILINEAR,
                        null,
                        null,
                        (DoublePointer) null);
        if (context == null) {
            throw new CorruptFragmentException(
                    "swscale cannot convert "
                            + picture.width()
                            + "x"
                            + picture.height()
                            + " pixel format "
                            + pixelFormatName(sourcePixels)
                            + " to "
                            + format
                            + " "
                            + width
                            + "x"
                            + height);
        }
        // The stream's own matrix (BT.601 when unspecified) and range; RGB output is full range,
        // grey keeps the stream's range, as GRAY8 promises the luma as coded.
        int targetRange = format == PictureFormat.GRAY8 ? range : 1;
        sws_setColorspaceDetails(
                context,
                sws_getCoefficients(picture.colorspace()),
                range,
                sws_getCoefficients(SWS_CS_DEFAULT),
                targetRange,
                0,
                1 << 16,
                1 << 16);
        sourceWidth = picture.width();
        sourceHeight = picture.height();
        sourceFormat = sourcePixels;
        colorspace = picture.colorspace();
        fullRange = range;
        this.width = width;
        this.height = height;
    }

    /** FFmpeg's name of a pixel format, with its number, for messages. */
    private static String pixelFormatName(int pixelFormat) {
        BytePointer name = av_get_pix_fmt_name(pixelFormat);
        return (name == null ? "unknown" : name.getString()) + " (" + pixelFormat + ")";
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

    /**
     * The camera waits for its turn to decode: see {@link OutputBuffers#park()}. The last converted
     * frame must have been read, or held.
     */
    void park() {
        output = null;
        pending = null;
        outputs.park();
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
        pending = null;
    }
}
