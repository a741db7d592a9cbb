package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.util.Preconditions;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import javax.annotation.Nullable;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.avformat_index_get_entries_count;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

/**
 * Decodes HLS fragments from memory with FFmpeg, one camera per instance, reused across fragments.
 * Not thread-safe.
 *
 * <p>Per fragment: a demuxer over the bytes ({@link MemoryInput}), a decoder for that fragment's
 * stream parameters ({@link VideoDecoder}: the previous fragment's, flushed, while the parameters
 * stay the same, otherwise a fresh one, so a new init segment with another codec configuration or
 * resolution just works), and for kept frames only a swscale conversion to the output pixel format
 * ({@link PictureConverter}, whose context and buffer survive from fragment to fragment). A
 * fragment that fails discards its decoder, so the next one starts from a clean one.
 *
 * <p><b>Order and offsets.</b> Frames come out in the order FFmpeg's decoder outputs them, which is
 * presentation order (it reorders B-frames); {@link DecodedFrame#indexInFragment()} counts that
 * order, and {@link DecodedFrame#offsetMillis()} is each frame's own presentation time minus that
 * of the first frame output, from the AVFrame's {@code best_effort_timestamp} in the stream's time
 * base (never {@code Frame.timestamp}, which overflows for epoch-scale 90 kHz times). MPEG-TS times
 * wrap at 33 bits; offsets are taken modulo the stream's wrap so a fragment across the wrap is
 * fine. With {@code keyFramesOnly}, the decoder skips non-key frames entirely, so the index counts
 * key frames.
 *
 * <p><b>Failures.</b> Anything FFmpeg cannot read or decode, a truncated fMP4 fragment (fewer
 * samples than its {@code trun} boxes declare), a fragment without any decodable frame, a frame
 * above {@code maxFramePixels}, or decoding past {@code maxDecodeTime} raises a {@link
 * CorruptFragmentException} naming FFmpeg's reason. The fragment's native resources are released at
 * once and the decoder is ready for the next {@link #open}. Frames returned before the failure were
 * decoded without errors.
 */
@Internal
public final class FragmentDecoder implements AutoCloseable {

    private static final byte[] NO_INIT = new byte[0];

    private enum State {
        IDLE,
        DECODING,
        ENDED,
        CLOSED
    }

    private final DecoderSettings settings;
    private final boolean mpegTs;
    private final DecodeBudget budget;
    private final PictureConverter converter;
    private final ConvertedFrame frame;
    private final AVPacket packet;
    private final AVFrame picture;
    private final AVRational millis = av_make_q(1, 1000);

    private State state = State.IDLE;

    // The fragment being decoded.
    private MemoryInput input;
    private AVStream stream;
    private VideoDecoder decoder;
    private boolean draining;

    // Between fragments: the last fragment's decoder, flushed, for the next one if it fits.
    private VideoDecoder spare;
    private long decodersOpened;
    private int framesOut;
    private long videoPackets;
    private long firstPts;

    /**
     * Frees the native callbacks every decoder of this class loader shares; afterwards no decoder
     * of it works. For when the class loader that loaded the decoder goes away with its job.
     */
    public static void releaseNativeCallbacks() {
        MemoryInput.releaseCallbacks();
    }

    public FragmentDecoder(DecoderSettings settings) {
        this.settings = Preconditions.checkNotNull(settings, "settings must not be null");
        this.mpegTs = settings.inputFormat() == InputFormat.MPEG_TS;
        this.budget = new DecodeBudget(settings.maxDecodeTime());
        this.converter = new PictureConverter(settings.pictureFormat());
        this.frame = new ConvertedFrame(settings.pictureFormat());
        this.packet = av_packet_alloc();
        this.picture = av_frame_alloc();
    }

    /**
     * Starts decoding a fragment: {@code initSegment} + {@code fragment} for fMP4, {@code fragment}
     * alone (init null) for MPEG-TS. Ends the previous fragment if it was not read to its end.
     */
    public void open(@Nullable byte[] initSegment, byte[] fragment)
            throws CorruptFragmentException {
        Preconditions.checkNotNull(fragment, "fragment must not be null");
        Preconditions.checkState(state != State.CLOSED, "the decoder is closed");
        endFragment(true);
        budget.reset();
        budget.enter();
        try {
            FragmentFraming.check(mpegTs, initSegment, fragment);
            input =
                    MemoryInput.open(
                            settings.inputFormat().demuxer(),
                            initSegment == null ? NO_INIT : initSegment,
                            fragment,
                            budget);
            AVStream video = input.firstVideoStream();
            if (video != null) {
                startVideo(video);
            } else if (!mpegTs) {
                throw new CorruptFragmentException("the init segment describes no video track");
            }
            // MPEG-TS: the stream may only be announced by a PMT further in; found while reading.
            state = State.DECODING;
        } catch (CorruptFragmentException | RuntimeException | Error e) {
            endFragment(false);
            state = State.ENDED;
            throw e;
        } finally {
            budget.exit();
        }
    }

    private void startVideo(AVStream video) throws CorruptFragmentException {
        long width = video.codecpar().width();
        long height = video.codecpar().height();
        // Checked before a decoder or any picture exists; FFmpeg's max_pixels covers sizes that
        // only the bitstream reveals (MPEG-TS, or a new SPS mid-fragment).
        checkPixels(width, height);
        stream = video;
        if (spare != null && spare.fits(video)) {
            decoder = spare;
        } else {
            closeSpare();
            decoder = VideoDecoder.open(video, settings);
            decodersOpened++;
        }
        spare = null;
    }

    private void checkPixels(long width, long height) throws CorruptFragmentException {
        if (width * height > settings.maxFramePixels()) {
            throw new CorruptFragmentException(
                    "the video is "
                            + width
                            + "x"
                            + height
                            + " = "
                            + width * height
                            + " pixels, above the limit of "
                            + settings.maxFramePixels());
        }
    }

    /** The next frame the sampler keeps, or null at the end of the fragment. */
    @Nullable
    public DecodedFrame next(FrameSampler sampler) throws CorruptFragmentException {
        Preconditions.checkNotNull(sampler, "sampler must not be null");
        Preconditions.checkState(state != State.CLOSED, "the decoder is closed");
        Preconditions.checkState(state != State.IDLE, "open() a fragment before calling next()");
        if (state == State.ENDED) {
            return null;
        }
        budget.enter();
        try {
            DecodedFrame next = decodeNext(sampler);
            if (next == null) {
                endFragment(true);
            }
            return next;
        } catch (CorruptFragmentException | RuntimeException | Error e) {
            endFragment(false);
            throw e;
        } finally {
            budget.exit();
        }
    }

    @Nullable
    private DecodedFrame decodeNext(FrameSampler sampler) throws CorruptFragmentException {
        while (true) {
            if (budget.exhausted()) {
                throw new CorruptFragmentException(
                        "decoding took longer than the limit of "
                                + budget.limit()
                                + " ("
                                + framesOut
                                + " frames decoded)");
            }
            if (decoder != null) {
                int ret = decoder.receive(picture);
                if (ret >= 0) {
                    DecodedFrame kept = onPicture(sampler);
                    if (kept != null) {
                        return kept;
                    }
                    continue;
                }
                if (ret == AVERROR_EOF()) {
                    return finish();
                }
                if (ret != AVERROR_EAGAIN()) {
                    throw decodeFailure("cannot decode frame " + framesOut, ret);
                }
                if (draining) {
                    return finish();
                }
            } else if (draining) {
                return finish();
            }
            feed();
        }
    }

    /** Reads one packet and hands it to the decoder if it belongs to the video stream. */
    private void feed() throws CorruptFragmentException {
        long readBefore = input.position();
        int ret = input.readPacket(packet);
        if (ret == AVERROR_EAGAIN() && input.position() > readBefore) {
            // The demuxer skipped data it could not use (MPEG-TS resync); it did progress, so ask
            // again. Memory never runs dry, so EAGAIN without progress means the data is bad.
            return;
        }
        if (ret == AVERROR_EOF()) {
            draining = true;
            if (decoder != null) {
                decoder.send(null);
            }
            return;
        }
        if (ret < 0) {
            throw input.failure(
                    "cannot read a packet after " + videoPackets + " video packets", ret);
        }
        try {
            if (stream == null) {
                AVStream video = input.firstVideoStream();
                if (video != null && video.index() == packet.stream_index()) {
                    startVideo(video);
                }
            }
            if (stream == null || packet.stream_index() != stream.index()) {
                return;
            }
            if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                throw new CorruptFragmentException(
                        "video packet "
                                + videoPackets
                                + " is truncated or damaged ("
                                + packet.size()
                                + " bytes)");
            }
            videoPackets++;
            ret = decoder.send(packet);
            // EAGAIN cannot happen: output is always drained before the next packet is sent.
            if (ret < 0) {
                throw decodeFailure("cannot decode video packet " + (videoPackets - 1), ret);
            }
        } finally {
            av_packet_unref(packet);
        }
    }

    private CorruptFragmentException decodeFailure(String what, int ret) {
        // FFmpeg's max_pixels refusal reads as "invalid data"; say what it really was.
        if (decoder.pixels() > settings.maxFramePixels()) {
            return new CorruptFragmentException(
                    "the video is "
                            + decoder.size()
                            + " = "
                            + decoder.pixels()
                            + " pixels, above the limit of "
                            + settings.maxFramePixels()
                            + " ("
                            + what
                            + ")");
        }
        return input.failure(what, ret);
    }

    @Nullable
    private DecodedFrame onPicture(FrameSampler sampler) throws CorruptFragmentException {
        int index = framesOut++;
        long pts = picture.best_effort_timestamp();
        if (pts == AV_NOPTS_VALUE) {
            throw new CorruptFragmentException("frame " + index + " has no timestamp");
        }
        if (index == 0) {
            firstPts = pts;
        }
        int sourceWidth = picture.width();
        int sourceHeight = picture.height();
        checkPixels(sourceWidth, sourceHeight);
        if ((picture.flags() & AVFrame.AV_FRAME_FLAG_CORRUPT) != 0
                || picture.decode_error_flags() != 0) {
            throw new CorruptFragmentException(
                    "frame "
                            + index
                            + " decoded with errors: "
                            + decodeErrors(picture.decode_error_flags()));
        }
        boolean keyFrame = (picture.flags() & AVFrame.AV_FRAME_FLAG_KEY) != 0;
        if (settings.keyFramesOnly() && !keyFrame) {
            return null;
        }
        long offsetMillis = offsetMillis(pts - firstPts);
        if (!sampler.keep(index, offsetMillis, keyFrame)) {
            return null;
        }
        int width = settings.outputWidth() == 0 ? sourceWidth : settings.outputWidth();
        int height = settings.outputHeight() == 0 ? sourceHeight : settings.outputHeight();
        converter.convert(picture, width, height);
        frame.set(
                index,
                offsetMillis,
                keyFrame,
                sourceWidth,
                sourceHeight,
                width,
                height,
                converter.output());
        return frame;
    }

    /** FFmpeg's {@code FF_DECODE_ERROR_*} flags in words. */
    private static String decodeErrors(int flags) {
        StringBuilder text = new StringBuilder();
        if ((flags & AVFrame.FF_DECODE_ERROR_INVALID_BITSTREAM) != 0) {
            text.append("invalid bitstream, ");
        }
        if ((flags & AVFrame.FF_DECODE_ERROR_MISSING_REFERENCE) != 0) {
            text.append("missing reference, ");
        }
        if ((flags & AVFrame.FF_DECODE_ERROR_CONCEALMENT_ACTIVE) != 0) {
            text.append("damaged areas concealed, ");
        }
        if ((flags & AVFrame.FF_DECODE_ERROR_DECODE_SLICES) != 0) {
            text.append("slices failed to decode, ");
        }
        return text.append("decode_error_flags ").append(flags).toString();
    }

    /** Exact milliseconds from a pts difference, across a wrap of the stream's timestamps. */
    private long offsetMillis(long ptsDelta) {
        int wrapBits = stream.pts_wrap_bits();
        long delta = ptsDelta;
        if (wrapBits > 0 && wrapBits < 63) {
            long wrap = 1L << wrapBits;
            delta = Math.floorMod(delta, wrap);
            if (delta >= wrap / 2) {
                delta -= wrap;
            }
        }
        return av_rescale_q(delta, stream.time_base(), millis);
    }

    @Nullable
    private DecodedFrame finish() throws CorruptFragmentException {
        if (framesOut == 0) {
            throw new CorruptFragmentException(
                    stream == null
                            ? "the fragment holds no video stream"
                            : "the fragment holds no decodable video frame ("
                                    + videoPackets
                                    + " video packets of "
                                    + input.size()
                                    + " bytes)");
        }
        if (!mpegTs) {
            // trun boxes declare every sample; a fragment cut short loses the last ones silently.
            int declared = avformat_index_get_entries_count(stream);
            if (videoPackets < declared) {
                throw new CorruptFragmentException(
                        "the fragment is truncated: it declares "
                                + declared
                                + " video samples but holds "
                                + videoPackets);
            }
        }
        return null;
    }

    /**
     * Releases the current fragment's demuxer; its decoder is flushed and kept as the spare if the
     * fragment went well (read to its end or left for the next one), closed if it failed. The
     * converter is kept for the next fragment.
     */
    private void endFragment(boolean keepDecoder) {
        av_frame_unref(picture);
        av_packet_unref(packet);
        if (decoder != null) {
            if (keepDecoder) {
                decoder.flush();
                spare = decoder;
            } else {
                decoder.close();
            }
            decoder = null;
        }
        if (input != null) {
            input.close();
            input = null;
        }
        stream = null;
        draining = false;
        framesOut = 0;
        videoPackets = 0;
        firstPts = 0;
        if (state == State.DECODING) {
            state = State.ENDED;
        }
    }

    private void closeSpare() {
        if (spare != null) {
            spare.close();
            spare = null;
        }
    }

    /**
     * The threads of the decoder of the current fragment, or of the spare one between fragments; 0
     * if none.
     */
    @VisibleForTesting
    int decoderThreads() {
        VideoDecoder current = decoder != null ? decoder : spare;
        return current == null ? 0 : current.threads();
    }

    /** FFmpeg decoders set up so far; one per camera while its stream parameters stay the same. */
    @VisibleForTesting
    long decodersOpened() {
        return decodersOpened;
    }

    /**
     * Whether the next frame may be {@linkplain DecodedFrame#hold() held}: a decoder lets a few
     * frames hold their pixels at once and always keeps a buffer of its own to convert into, so
     * {@link #next} never waits for a holder.
     */
    public boolean canHoldFrame() {
        return converter.canHoldOutput();
    }

    /** Frames held and not yet released. */
    @VisibleForTesting
    int heldFrames() {
        return converter.heldOutputs();
    }

    /** Pictures converted so far: frames the sampler rejected must not count. */
    @VisibleForTesting
    long conversions() {
        return converter.conversions();
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        endFragment(false);
        closeSpare();
        state = State.CLOSED;
        converter.close();
        av_frame_free(picture);
        av_packet_free(packet);
        millis.close();
    }
}
