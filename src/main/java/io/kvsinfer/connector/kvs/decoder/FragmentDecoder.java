package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.util.Preconditions;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;

import javax.annotation.Nullable;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
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

/**
 * Decodes HLS fragments from memory with FFmpeg, one camera per instance, reused across fragments.
 * Not thread-safe.
 *
 * <p>Per fragment: a demuxer over the bytes ({@link MemoryInput}), a decoder for that fragment's
 * stream parameters ({@link VideoDecoder}), and for kept frames only a swscale conversion to the
 * output pixel format ({@link PictureConverter}, whose context and buffer survive from fragment to
 * fragment). A new init segment with another codec configuration or resolution gets a fresh
 * decoder. A fragment that fails discards its decoder, so the next one starts from a clean one.
 *
 * <p><b>Stand-alone fragments and streams.</b> {@link #open} decodes one fragment by itself: its
 * frames all come out before {@link #next} returns null, and the decoder is flushed. {@link
 * #openInStream} decodes a fragment as part of a camera's continuous stream, as a player does: the
 * next fragment that follows it goes to the same decoder without a flush, so pictures that need the
 * fragment before (open-GOP leading pictures, a fragment cut mid-GOP) get their references. The
 * decoder's last pictures of a fragment (B-frame reordering) then come out only with the next
 * fragment's packets, or from {@link #endStream()} when the stream breaks or ends. Every frame
 * names the fragment whose packet carried it ({@link DecodedFrame#fragmentTag()}, FFmpeg's packet
 * opaque copied to the picture), and its index and offset count in that fragment.
 *
 * <p><b>Order and offsets.</b> Frames come out in the order FFmpeg's decoder outputs them, which is
 * presentation order (it reorders B-frames); {@link DecodedFrame#indexInFragment()} counts that
 * order per fragment, and {@link DecodedFrame#offsetMillis()} is each frame's presentation time
 * minus that of its fragment's earliest presented packet (its first presented sample, which carries
 * the fragment's timestamp; open-GOP leading pictures are presented before the key frame), from the
 * AVFrame's {@code best_effort_timestamp} in the stream's time base (never {@code Frame.timestamp},
 * which overflows for epoch-scale 90 kHz times). MPEG-TS times wrap at 33 bits; offsets are taken
 * modulo the stream's wrap. With {@code keyFramesOnly}, the decoder skips non-key frames entirely,
 * so the index counts key frames, and fragments are always decoded stand-alone.
 *
 * <p><b>Missing references.</b> Pictures that come out damaged before the first key frame since the
 * decoder was flushed (a stream joined mid-GOP) are skipped and counted ({@link
 * #picturesWithoutReference()}), not an error. In a stream, a fragment with no key frame while the
 * decoder has none yet decodes nothing and is not corrupt; after {@link
 * #MAX_FRAGMENTS_WITHOUT_KEY_FRAME} such fragments in a row each one is.
 *
 * <p><b>Failures.</b> Anything FFmpeg cannot read or decode, a truncated fMP4 fragment (fewer
 * samples than its {@code trun} boxes declare), a fragment without any decodable frame, a frame
 * above {@code maxFramePixels}, or decoding past {@code maxDecodeTime} raises a {@link
 * CorruptFragmentException} naming FFmpeg's reason. The fragment's native resources (and the
 * pictures still in its decoder) are released at once and the decoder is ready for the next {@link
 * #open}. Frames returned before the failure were decoded without errors.
 */
@Internal
public final class FragmentDecoder implements AutoCloseable {

    private static final byte[] NO_INIT = new byte[0];

    /**
     * Fragments in a row without a key frame that a stream's decoder, having none yet, waits
     * through before each further one is corrupt: 60 s of 2 s fragments, longer than the key-frame
     * interval of any camera a user would keep.
     */
    public static final int MAX_FRAGMENTS_WITHOUT_KEY_FRAME = 30;

    private enum State {
        IDLE,
        DECODING,
        /**
         * Draining the pictures a stream's decoder held, before the next fragment or at its end.
         */
        DRAINING,
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
    private final FragmentClocks clocks = new FragmentClocks();

    private State state = State.IDLE;

    // The fragment being decoded.
    private MemoryInput input;
    private AVStream stream;
    private VideoDecoder decoder;
    private FragmentClocks.Clock current;
    private boolean holdAtEnd;

    /** The end of the fragment went to the decoder (a null packet): its pictures are draining. */
    private boolean endOfFragmentSent;

    @Nullable private AVStream videoAfterDrain;

    // Between fragments of a stream: the decoder whose last pictures are still inside it.
    @Nullable private VideoDecoder held;

    // A fragment failed since the held pictures: the next one cannot follow them.
    private boolean failedSinceHeld;

    // Between fragments: the last fragment's decoder, flushed, for the next one if it fits.
    private VideoDecoder spare;
    private long decodersOpened;

    // Since the decoder was last flushed (or opened).
    private long picturesSinceFlush;
    private long keyPacketsSinceFlush;
    private long keyPicturesSinceFlush;
    private int fragmentsWithoutKeyFrame;
    private long picturesWithoutReference;

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
        this.converter = new PictureConverter(settings.pictureFormat(), settings.lendPictures());
        this.frame = new ConvertedFrame(settings.pictureFormat(), converter);
        this.packet = av_packet_alloc();
        this.picture = av_frame_alloc();
    }

    /**
     * Starts decoding a stand-alone fragment: {@code initSegment} + {@code fragment} for fMP4,
     * {@code fragment} alone (init null) for MPEG-TS. Its frames all come out before {@link #next}
     * returns null. Ends the previous fragment if it was not read to its end; pictures a stream's
     * decoder still held come out first.
     */
    public void open(@Nullable byte[] initSegment, byte[] fragment)
            throws CorruptFragmentException {
        start(initSegment, fragment, false, false);
    }

    /**
     * Starts decoding a fragment of a continuous stream and returns its tag (see {@link
     * DecodedFrame#fragmentTag()}). With {@code followsPrevious} (the fragment the stream had right
     * after the previously opened one: no gap, no new session that skipped) and the same stream
     * parameters, its packets go to the decoder that still holds the previous fragment's last
     * pictures; otherwise those pictures come out first and the decoder is flushed. Its own last
     * pictures stay in the decoder for the next fragment or {@link #endStream()}.
     */
    public long openInStream(@Nullable byte[] initSegment, byte[] fragment, boolean followsPrevious)
            throws CorruptFragmentException {
        start(initSegment, fragment, true, followsPrevious);
        return current.tag;
    }

    /**
     * The stream broke or ended: the pictures its decoder still holds come out from {@link #next},
     * which then returns null. False if it holds none.
     */
    public boolean endStream() {
        Preconditions.checkState(state != State.CLOSED, "the decoder is closed");
        if (held == null || state == State.DECODING || state == State.DRAINING) {
            return false;
        }
        startDraining();
        return true;
    }

    /** Whether a stream's decoder holds pictures of fragments whose packets have all been read. */
    public boolean holdsPictures() {
        return held != null;
    }

    private void start(
            @Nullable byte[] initSegment,
            byte[] fragment,
            boolean inStream,
            boolean followsPrevious)
            throws CorruptFragmentException {
        Preconditions.checkNotNull(fragment, "fragment must not be null");
        Preconditions.checkState(state != State.CLOSED, "the decoder is closed");
        if (state == State.DECODING || state == State.DRAINING) {
            // Left before its end: nothing in flight is wanted any more.
            endFragment(End.FLUSH);
        }
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
            current = clocks.open();
            holdAtEnd = inStream && !settings.keyFramesOnly();
            AVStream video = input.firstVideoStream();
            if (video == null && !mpegTs) {
                throw new CorruptFragmentException("the init segment describes no video track");
            }
            if (held != null
                    && followsPrevious
                    && !failedSinceHeld
                    && inStream
                    && video != null
                    && held.continuesWith(video)) {
                checkPixels(video.codecpar().width(), video.codecpar().height());
                stream = video;
                FragmentClocks.streamOf(current, video);
                decoder = held;
                held = null;
                state = State.DECODING;
            } else if (held != null) {
                videoAfterDrain = video;
                startDraining();
            } else {
                if (video != null) {
                    startVideo(video);
                }
                // MPEG-TS: the stream may only be announced by a PMT further in; found while
                // reading.
                state = State.DECODING;
            }
        } catch (CorruptFragmentException | RuntimeException | Error e) {
            // The pictures held for it stay good; they come out before the next fragment.
            failedSinceHeld = held != null;
            endFragment(End.DISCARD);
            state = State.ENDED;
            throw e;
        } finally {
            budget.exit();
        }
    }

    private void startDraining() {
        decoder = held;
        held = null;
        failedSinceHeld = false;
        decoder.send(null);
        state = State.DRAINING;
    }

    private void startVideo(AVStream video) throws CorruptFragmentException {
        long width = video.codecpar().width();
        long height = video.codecpar().height();
        // Checked before a decoder or any picture exists; FFmpeg's max_pixels covers sizes that
        // only the bitstream reveals (MPEG-TS, or a new SPS mid-fragment).
        checkPixels(width, height);
        stream = video;
        FragmentClocks.streamOf(current, video);
        if (spare != null && spare.fits(video)) {
            decoder = spare;
        } else {
            closeSpare();
            decoder = VideoDecoder.open(video, settings);
            decodersOpened++;
            flushed();
        }
        spare = null;
    }

    private void checkPixels(long width, long height) throws CorruptFragmentException {
        if (width * height > settings.maxFramePixels()) {
            throw tooManyPixels(width + "x" + height, width * height, "");
        }
    }

    /** The video is larger than {@code max-frame-pixels} allows; {@code detail} follows. */
    private CorruptFragmentException tooManyPixels(String size, long pixels, String detail) {
        return new CorruptFragmentException(
                "the video is "
                        + size
                        + " = "
                        + pixels
                        + " pixels, above the limit of "
                        + settings.maxFramePixels()
                        + " (source.kvs.decoder.max-frame-pixels)"
                        + detail);
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
        converter.forgetPicture();
        budget.enter();
        try {
            return decodeNext(sampler);
        } catch (CorruptFragmentException | RuntimeException | Error e) {
            endFragment(End.DISCARD);
            state = State.ENDED;
            throw e;
        } finally {
            budget.exit();
        }
    }

    @Nullable
    private DecodedFrame decodeNext(FrameSampler sampler) throws CorruptFragmentException {
        while (true) {
            if (budget.exhausted()) {
                throw budget.exceeded(current.picturesOut() + " frames decoded");
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
                if (ret != AVERROR_EOF() && ret != AVERROR_EAGAIN()) {
                    throw decodeFailure("cannot decode frame " + current.picturesOut(), ret);
                }
                if (state == State.DRAINING) {
                    if (!drained()) {
                        return null;
                    }
                    continue;
                }
                if (ret == AVERROR_EOF() || endOfFragmentSent) {
                    return finish();
                }
            } else if (endOfFragmentSent) {
                return finish();
            }
            if (feed()) {
                return hold();
            }
        }
    }

    /**
     * The held pictures are out: the decoder is flushed, and the fragment waiting for it starts.
     * False at the end of the stream.
     */
    private boolean drained() throws CorruptFragmentException {
        decoder.flush();
        flushed();
        spare = decoder;
        decoder = null;
        if (input == null) {
            state = State.ENDED;
            return false;
        }
        state = State.DECODING;
        if (videoAfterDrain != null) {
            AVStream video = videoAfterDrain;
            videoAfterDrain = null;
            startVideo(video);
        }
        return true;
    }

    private void flushed() {
        clocks.flushed();
        picturesSinceFlush = 0;
        keyPacketsSinceFlush = 0;
        keyPicturesSinceFlush = 0;
    }

    /**
     * The fragment's packets are all in a stream's decoder: its last pictures stay there for the
     * next fragment. A decoder that has no key frame yet decoded nothing and is waiting for one.
     */
    @Nullable
    private DecodedFrame hold() throws CorruptFragmentException {
        checkComplete();
        if (picturesSinceFlush == 0) {
            if (++fragmentsWithoutKeyFrame > MAX_FRAGMENTS_WITHOUT_KEY_FRAME) {
                throw new CorruptFragmentException(
                        fragmentsWithoutKeyFrame
                                + " fragments in a row hold no key frame to start decoding at"
                                + " (at most "
                                + MAX_FRAGMENTS_WITHOUT_KEY_FRAME
                                + " are waited through)");
            }
        }
        endFragment(End.HOLD);
        return null;
    }

    /**
     * Reads one packet and hands it to the decoder if it belongs to the video stream; true when the
     * packets ended and a stream's decoder keeps its last pictures instead of draining.
     */
    private boolean feed() throws CorruptFragmentException {
        int ret = input.readPacket(packet);
        if (ret == AVERROR_EOF()) {
            // Hold only what can still be used: decoded pictures, or a wait for the first key
            // frame. Key frames that gave nothing are drained, to tell a short fragment from a
            // corrupt one.
            if (holdAtEnd
                    && decoder != null
                    && (picturesSinceFlush > 0 || keyPacketsSinceFlush == 0)) {
                return true;
            }
            endOfFragmentSent = true;
            if (decoder != null) {
                decoder.send(null);
            }
            return false;
        }
        if (ret < 0) {
            throw input.failure(
                    "cannot read a packet after " + current.packets() + " video packets", ret);
        }
        try {
            if (stream == null) {
                AVStream video = input.firstVideoStream();
                if (video != null && video.index() == packet.stream_index()) {
                    startVideo(video);
                }
            }
            if (stream == null || packet.stream_index() != stream.index()) {
                return false;
            }
            if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
                throw new CorruptFragmentException(
                        "video packet "
                                + current.packets()
                                + " is truncated or damaged ("
                                + packet.size()
                                + " bytes)");
            }
            FragmentClocks.packet(current, packet.pts());
            if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
                keyPacketsSinceFlush++;
            } else if (keyPacketsSinceFlush == 0) {
                // Joined mid-GOP: this frame references frames never read.
                picturesWithoutReference++;
            }
            // FFmpeg copies the opaque to the picture this packet starts
            // (AV_CODEC_FLAG_COPY_OPAQUE).
            packet.opaque(new PacketTag(current.tag));
            ret = decoder.send(packet);
            // EAGAIN cannot happen: output is always drained before the next packet is sent.
            if (ret < 0
                    && keyPicturesSinceFlush == 0
                    && decoder.pixels() <= settings.maxFramePixels()) {
                // Joined mid-GOP: before a key frame there may be no parameter sets either, and
                // with frame threads the refusal can surface a few packets later. A stream that
                // never decodes still ends as corrupt: no picture at all.
                if (keyPacketsSinceFlush > 0) {
                    picturesWithoutReference++;
                }
                return false;
            }
            if (ret < 0) {
                throw decodeFailure("cannot decode video packet " + (current.packets() - 1), ret);
            }
            return false;
        } finally {
            av_packet_unref(packet);
        }
    }

    private CorruptFragmentException decodeFailure(String what, int ret) {
        // FFmpeg's max_pixels refusal reads as "invalid data"; say what it really was.
        if (decoder.pixels() > settings.maxFramePixels()) {
            return tooManyPixels(decoder.size(), decoder.pixels(), " (" + what + ")");
        }
        if (input == null) {
            return new CorruptFragmentException(what + ": " + FfmpegErrors.describe(ret));
        }
        return input.failure(what, ret);
    }

    @Nullable
    private DecodedFrame onPicture(FrameSampler sampler) throws CorruptFragmentException {
        FragmentClocks.Clock clock = clockOf(picture);
        long pts = picture.best_effort_timestamp();
        if (pts == AV_NOPTS_VALUE) {
            throw new CorruptFragmentException(
                    "frame " + clock.picturesOut() + " has no timestamp");
        }
        int sourceWidth = picture.width();
        int sourceHeight = picture.height();
        checkPixels(sourceWidth, sourceHeight);
        boolean keyFrame = (picture.flags() & AVFrame.AV_FRAME_FLAG_KEY) != 0;
        if ((picture.flags() & AVFrame.AV_FRAME_FLAG_CORRUPT) != 0
                || picture.decode_error_flags() != 0) {
            if (keyPicturesSinceFlush == 0 && !keyFrame) {
                // Joined mid-GOP: its references were never decoded. Not the data's fault.
                picturesWithoutReference++;
                return null;
            }
            throw new CorruptFragmentException(
                    "frame "
                            + clock.picturesOut()
                            + " decoded with errors: "
                            + decodeErrors(picture.decode_error_flags()));
        }
        picturesSinceFlush++;
        fragmentsWithoutKeyFrame = 0;
        if (keyFrame) {
            keyPicturesSinceFlush++;
        }
        int index = clock.nextPictureIndex();
        if (settings.keyFramesOnly() && !keyFrame) {
            return null;
        }
        long offsetMillis = clock.offsetMillis(pts);
        if (!sampler.keep(clock.tag, index, offsetMillis, keyFrame)) {
            return null;
        }
        int width = settings.outputWidth() == 0 ? sourceWidth : settings.outputWidth();
        int height = settings.outputHeight() == 0 ? sourceHeight : settings.outputHeight();
        converter.accept(picture, width, height);
        frame.set(
                clock.tag, index, offsetMillis, keyFrame, sourceWidth, sourceHeight, width, height);
        return frame;
    }

    /** The fragment whose packet started this picture; the current one if FFmpeg lost the tag. */
    private FragmentClocks.Clock clockOf(AVFrame picture) {
        Pointer opaque = picture.opaque();
        long tag = opaque == null ? 0 : opaque.address();
        FragmentClocks.Clock clock = tag == 0 ? null : clocks.find(tag);
        return clock != null ? clock : current;
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

    /** The fragment's packets are decoded and its pictures all out: it ends here. */
    @Nullable
    private DecodedFrame finish() throws CorruptFragmentException {
        if (picturesSinceFlush == 0) {
            throw new CorruptFragmentException(
                    stream == null
                            ? "the fragment holds no video stream"
                            : "the fragment holds no decodable video frame ("
                                    + current.packets()
                                    + " video packets of "
                                    + input.size()
                                    + " bytes)");
        }
        checkComplete();
        endFragment(End.FLUSH);
        return null;
    }

    /** An fMP4 fragment cut short loses its last samples silently: its trun boxes declare them. */
    private void checkComplete() throws CorruptFragmentException {
        if (mpegTs || stream == null) {
            return;
        }
        int declared = avformat_index_get_entries_count(stream);
        if (current.packets() < declared) {
            throw new CorruptFragmentException(
                    "the fragment is truncated: it declares "
                            + declared
                            + " video samples but holds "
                            + current.packets());
        }
    }

    private enum End {
        /** Read to its end in a stream: the decoder keeps its last pictures for the next one. */
        HOLD,
        /** Read to its end or left: the decoder is flushed and kept for the next fragment. */
        FLUSH,
        /** Failed: the decoder and the pictures in it are gone (a stream's held ones stay). */
        DISCARD
    }

    /**
     * Releases the current fragment's demuxer and, as {@code end} says, keeps its decoder holding
     * pictures, flushed as the spare, or closes it. The converter is kept for the next fragment.
     */
    private void endFragment(End end) {
        converter.forgetPicture();
        av_frame_unref(picture);
        av_packet_unref(packet);
        if (decoder != null) {
            if (end == End.HOLD) {
                held = decoder;
            } else if (end == End.FLUSH) {
                decoder.flush();
                flushed();
                closeSpare();
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
        videoAfterDrain = null;
        endOfFragmentSent = false;
        if (state == State.DECODING || state == State.DRAINING) {
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
        VideoDecoder any = decoder != null ? decoder : held != null ? held : spare;
        return any == null ? 0 : any.threads();
    }

    /**
     * Frames that could not be decoded for want of references: those whose packets came before the
     * first key frame since the decoder started or was flushed (a stream joined mid-GOP), and
     * pictures that came out damaged, or were refused, before the first key frame's picture.
     */
    public long picturesWithoutReference() {
        return picturesWithoutReference;
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

    /**
     * The camera waits for its turn to decode: the output memory of frames no one holds goes to the
     * cameras that decode meanwhile, and the next frame takes memory again. Every frame returned so
     * far must have been read or held.
     */
    public void parkOutput() {
        converter.park();
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

    /**
     * A packet's opaque: the tag of its fragment, an integer carried where FFmpeg keeps a pointer.
     */
    private static final class PacketTag extends Pointer {
        PacketTag(long tag) {
            address = tag;
        }
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        endFragment(End.DISCARD);
        if (held != null) {
            held.close();
            held = null;
        }
        closeSpare();
        clocks.clear();
        state = State.CLOSED;
        converter.close();
        av_frame_free(picture);
        av_packet_free(packet);
    }
}
