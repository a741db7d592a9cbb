package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_COPY_OPAQUE;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

/**
 * One FFmpeg video decoder (an {@code AVCodecContext}) set up from a stream's parameters with the
 * decoder options of {@link DecoderSettings}: thread count, key frames only, and a pixel limit that
 * FFmpeg enforces itself before it allocates a picture (this also covers a size change announced
 * in-band, mid-fragment).
 *
 * <p>A decoder serves the next fragment too when that fragment's stream has the same parameters
 * ({@link #fits}): {@link #flush} readies it for a new key frame while its picture pool stays, so a
 * camera does not free and allocate its reference pictures (tens of MB at 1080p) every fragment,
 * which left the C allocator's arenas fragmented and resident memory growing in steps.
 */
@Internal
final class VideoDecoder implements AutoCloseable {

    private AVCodecContext context;
    private final StreamParameters parameters;

    private VideoDecoder(AVCodecContext context, StreamParameters parameters) {
        this.context = context;
        this.parameters = parameters;
    }

    static VideoDecoder open(AVStream stream, DecoderSettings settings)
            throws CorruptFragmentException {
        AVCodecParameters parameters = stream.codecpar();
        AVCodec codec = avcodec_find_decoder(parameters.codec_id());
        if (codec == null) {
            throw new CorruptFragmentException(
                    "no decoder for video codec "
                            + avcodec_get_name(parameters.codec_id()).getString()
                            + " (KVS streams over HLS carry H.264 or H.265)");
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        if (context == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3 failed");
        }
        VideoDecoder decoder = new VideoDecoder(context, StreamParameters.of(stream));
        AVDictionary options = new AVDictionary(null);
        try {
            int ret = avcodec_parameters_to_context(context, parameters);
            if (ret < 0) {
                throw new CorruptFragmentException(
                        "bad video stream parameters: " + FfmpegErrors.describe(ret));
            }
            context.pkt_timebase(stream.time_base());
            // Each picture names the fragment whose packet carried it (FragmentDecoder's tags).
            context.flags(context.flags() | AV_CODEC_FLAG_COPY_OPAQUE);
            int threads = settings.threads();
            Preconditions.checkState(
                    threads >= 0 && threads <= 64,
                    "decoder threads must be 0 to 64, but were %s",
                    threads);
            av_dict_set(options, "threads", Integer.toString(threads), 0);
            if (settings.keyFramesOnly()) {
                // The decoder skips everything but key frames: no reference decoding at all.
                av_dict_set(options, "skip_frame", "nokey", 0);
            }
            long maxPixels = Math.min(settings.maxFramePixels(), Integer.MAX_VALUE);
            av_dict_set(options, "max_pixels", Long.toString(maxPixels), 0);
            ret = avcodec_open2(context, codec, options);
            if (ret < 0) {
                throw new CorruptFragmentException(
                        "cannot open the "
                                + codec.name().getString()
                                + " decoder: "
                                + FfmpegErrors.describe(ret));
            }
            return decoder;
        } catch (CorruptFragmentException | RuntimeException | Error e) {
            decoder.close();
            throw e;
        } finally {
            av_dict_free(options);
        }
    }

    /** Whether this decoder can decode {@code stream} as it is: the same codec and parameters. */
    boolean fits(AVStream stream) {
        return parameters.equals(StreamParameters.of(stream));
    }

    /**
     * Whether the fragment of {@code stream} that follows this decoder's last one in a stream can
     * go on in it without a flush: see {@link StreamParameters#continues}.
     */
    boolean continuesWith(AVStream stream) {
        return StreamParameters.of(stream).continues(parameters);
    }

    /**
     * Drops every picture and packet in flight and any end of stream, so that the next packet
     * starts afresh (from a key frame); the context and its picture pool stay.
     */
    void flush() {
        avcodec_flush_buffers(context);
    }

    /** {@code avcodec_send_packet}; a null packet starts draining. */
    int send(AVPacket packet) {
        return avcodec_send_packet(context, packet);
    }

    /** {@code avcodec_receive_frame}. */
    int receive(AVFrame frame) {
        return avcodec_receive_frame(context, frame);
    }

    /** The threads FFmpeg decodes with (after {@code avcodec_open2} resolved 0 to a count). */
    int threads() {
        return context.thread_count();
    }

    /** Width times height as the decoder last parsed them from the bitstream (0 before that). */
    long pixels() {
        return (long) context.width() * context.height();
    }

    /** Width x height as the decoder last parsed them. */
    String size() {
        return context.width() + "x" + context.height();
    }

    @Override
    public void close() {
        if (context != null) {
            avcodec_free_context(context);
            context = null;
        }
    }
}
