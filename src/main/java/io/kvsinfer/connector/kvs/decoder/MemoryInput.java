package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avformat.avio_tell;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

/**
 * An FFmpeg demuxer reading one fragment from memory: the init segment (if any) followed by the
 * fragment, without concatenating them. Reads and FFmpeg's interrupt checks stop once the {@link
 * DecodeBudget} is spent, so a pathological input cannot hold the thread.
 *
 * <p>Opened with the container format forced and without {@code avformat_find_stream_info}: the
 * fMP4 {@code moov} already describes the track, and MPEG-TS carries its parameter sets in-band.
 * Nothing here takes JavaCV's JVM-wide lock.
 */
@Internal
final class MemoryInput implements AutoCloseable {

    private static final int IO_BUFFER_SIZE = 32 * 1024;

    /**
     * Native callbacks are few and costly to create, so one of each serves every input; the {@code
     * opaque} pointer FFmpeg hands back identifies the input.
     */
    private static final Map<Long, MemoryInput> OPEN = new ConcurrentHashMap<>();

    private static final ReadCallback READ = new ReadCallback().retainReference();
    private static final InterruptCallback INTERRUPT = new InterruptCallback().retainReference();

    /**
     * Frees the native callbacks. JavaCPP keeps every retained pointer in a static list of its own,
     * so while they live they pin the class loader that loaded this class: when that is a job's
     * class loader, it must run when the job's loader is released (no input may be open then).
     */
    static void releaseCallbacks() {
        READ.releaseReference();
        INTERRUPT.releaseReference();
        READ.close();
        INTERRUPT.close();
    }

    private final byte[] first;
    private final byte[] second;
    private final DecodeBudget budget;
    private final BytePointer opaque;
    private long position;
    private boolean interrupted;

    private AVFormatContext format;
    private AVIOContext io;

    private MemoryInput(byte[] first, byte[] second, DecodeBudget budget) {
        this.first = first;
        this.second = second;
        this.budget = budget;
        this.opaque = new BytePointer(1);
    }

    /**
     * Opens {@code init + fragment} (init may be empty) as {@code formatName} ("mp4", "mpegts").
     *
     * @throws CorruptFragmentException with FFmpeg's reason if the header cannot be read
     */
    static MemoryInput open(String formatName, byte[] init, byte[] fragment, DecodeBudget budget)
            throws CorruptFragmentException {
        MemoryInput input = new MemoryInput(init, fragment, budget);
        try {
            input.openFormat(formatName);
            return input;
        } catch (CorruptFragmentException | RuntimeException | Error e) {
            input.close();
            throw e;
        }
    }

    private void openFormat(String formatName) throws CorruptFragmentException {
        AVInputFormat inputFormat = av_find_input_format(formatName);
        if (inputFormat == null) {
            throw new IllegalStateException("FFmpeg has no demuxer " + formatName);
        }
        OPEN.put(opaque.address(), this);
        format = avformat_alloc_context();
        BytePointer buffer = new BytePointer(av_malloc(IO_BUFFER_SIZE));
        io = avio_alloc_context(buffer, IO_BUFFER_SIZE, 0, opaque, READ, null, null);
        format.pb(io);
        AVIOInterruptCB interrupt = format.interrupt_callback();
        interrupt.callback(INTERRUPT);
        interrupt.opaque(opaque);
        // avformat_open_input frees the context on failure and clears the pointer.
        int ret = avformat_open_input(format, "memory", inputFormat, (AVDictionary) null);
        if (ret < 0) {
            format = null;
            throw failure("cannot read the " + formatName + " header", ret);
        }
    }

    /**
     * Reads the next packet (of any stream), as {@code av_read_frame}, reading on where the demuxer
     * skipped data it could not use (MPEG-TS resync: EAGAIN after progress). Memory never runs dry,
     * so EAGAIN without progress means the data is bad and is returned; the time limit interrupts a
     * long resync.
     */
    int readPacket(AVPacket packet) {
        while (true) {
            long before = position();
            int ret = av_read_frame(format, packet);
            if (ret != AVERROR_EAGAIN() || position() <= before) {
                return ret;
            }
        }
    }

    /** The video stream with the lowest index, or null; in MPEG-TS it may appear while reading. */
    AVStream firstVideoStream() {
        int count = format.nb_streams();
        for (int i = 0; i < count; i++) {
            AVStream stream = format.streams(i);
            if (stream.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                return stream;
            }
        }
        return null;
    }

    /**
     * A CorruptFragmentException for a failed FFmpeg call, naming the time limit if that was the
     * cause.
     */
    CorruptFragmentException failure(String what, int ret) {
        if (interrupted || budget.exhausted()) {
            return budget.exceeded(what);
        }
        return new CorruptFragmentException(what + ": " + FfmpegErrors.describe(ret));
    }

    /** Bytes the demuxer has consumed so far (not counting what sits unread in its buffer). */
    long position() {
        return avio_tell(format.pb());
    }

    long size() {
        return (long) first.length + second.length;
    }

    @Override
    public void close() {
        if (format != null) {
            // The custom AVIOContext is ours to free: avformat_close_input leaves it alone.
            avformat_close_input(format);
            format = null;
        }
        if (io != null) {
            // FFmpeg may have replaced the buffer we gave it; free whichever it holds now.
            BytePointer buffer = io.buffer();
            if (buffer != null && !buffer.isNull()) {
                av_free(buffer);
            }
            io.buffer(null);
            avio_context_free(io);
            io = null;
        }
        OPEN.remove(opaque.address());
        opaque.close();
    }

    private int read(BytePointer target, int size) {
        if (budget.exhausted()) {
            interrupted = true;
            return AVERROR_EXIT();
        }
        long total = size();
        if (position >= total) {
            return AVERROR_EOF();
        }
        int n = (int) Math.min(size, total - position);
        int done = 0;
        target.position(0);
        while (done < n) {
            byte[] source = position < first.length ? first : second;
            int offset = (int) (position < first.length ? position : position - first.length);
            int chunk = Math.min(n - done, source.length - offset);
            target.position(done).put(source, offset, chunk);
            done += chunk;
            position += chunk;
        }
        target.position(0);
        return n;
    }

    private static final class ReadCallback extends Read_packet_Pointer_BytePointer_int {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            try {
                MemoryInput input = OPEN.get(opaque.address());
                return input == null ? AVERROR_EXIT() : input.read(buffer, size);
            } catch (Throwable t) {
                // Never let an exception unwind through FFmpeg's C frames.
                return AVERROR_EXIT();
            }
        }
    }

    private static final class InterruptCallback extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            try {
                MemoryInput input = OPEN.get(opaque.address());
                if (input == null || input.budget.exhausted()) {
                    if (input != null) {
                        input.interrupted = true;
                    }
                    return 1;
                }
                return 0;
            } catch (Throwable t) {
                return 1;
            }
        }
    }
}
