package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.CorruptFragmentException;
import io.kvsinfer.connector.kvs.decoder.DecodedFrame;
import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;
import io.kvsinfer.connector.kvs.source.metrics.CameraMetrics;
import io.kvsinfer.connector.kvs.source.split.FragmentPosition;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.time.Clock;
import java.util.List;

/**
 * The frames of the fragment a camera is reading: decodes them, keeps the ones the {@link
 * FrameSelector} selects, maps them and hands them out in bounded batches. A corrupt fragment is
 * counted and skipped. Runs on the camera's fetcher thread; not thread-safe except {@link
 * #setPaused}.
 *
 * <p>A {@link RecyclingFrameMapper} (the default one, which copies the pixels into a pooled array)
 * maps on the task thread instead, where its arrays come back: frames are handed out with their
 * pixels held, so the copy overlaps the decoding of the next frames. The decoder lets only a few
 * frames be held at once; when the task thread is behind, the next frames are mapped here, right
 * after their conversion, and decoding goes on without waiting.
 *
 * <p>Decoding happens only while the camera holds one of the process's {@link DecodeSlots}: it
 * waits for one before decoding, keeps it across batches while its fragment lasts (up to {@link
 * DecodeSlots#MAX_RUN_MILLIS}), and gives it up when the fragment ends or the camera is paused.
 */
@Internal
final class FragmentFrames<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentFrames.class);

    /**
     * A batch ends after this many frames or bytes, whichever comes first, to bound queued memory.
     */
    static final int MAX_BATCH_FRAMES = 32;

    static final long MAX_BATCH_BYTES = 8L << 20;

    /**
     * A batch also ends once it spans this much event time: watermark alignment can only pause a
     * camera between batches, so the span bounds how far a paused camera overshoots the allowed
     * drift.
     */
    static final long MAX_BATCH_SPAN_MILLIS = 250;

    /**
     * How long a batch waits for a decode slot before returning empty, so the fetcher stays
     * responsive.
     */
    static final long SLOT_WAIT_MILLIS = 50;

    private final String cameraId;
    private final String stream;
    private final FragmentDecoder decoder;
    private final FrameMapper<T> mapper;
    private final FrameSelector selector;
    private final CameraMetrics metrics;
    private final Clock clock;
    private final PixelFormat pixelFormat;
    private final DecodedCameraFrame view;
    private final boolean mapOnTaskThread;
    private final DecodeSlots.Holder slot;

    @Nullable private String fragmentNumber;
    private long fragmentStart;
    private int skipFrames;

    /**
     * Fragments read to their end, and skipped as corrupt: how the fetcher tells progress from
     * failure.
     */
    private long fragmentsDecoded;

    private long fragmentsCorrupt;
    @Nullable private String lastCorruption;

    /** Set while watermark alignment pauses the camera: a batch in progress ends early. */
    private volatile boolean paused;

    FragmentFrames(
            String cameraId,
            String stream,
            FragmentDecoder decoder,
            PixelFormat pixelFormat,
            FrameMapper<T> mapper,
            FrameSelector selector,
            DecodeSlots slots,
            CameraMetrics metrics,
            Clock clock) {
        this.cameraId = cameraId;
        this.stream = stream;
        this.decoder = decoder;
        this.mapper = mapper;
        this.selector = selector;
        this.metrics = metrics;
        this.clock = clock;
        this.pixelFormat = pixelFormat;
        this.view = new DecodedCameraFrame(cameraId, stream, pixelFormat);
        this.mapOnTaskThread = mapper instanceof RecyclingFrameMapper;
        this.slot = slots.holder();
    }

    /**
     * Starts on a fragment, skipping its first {@code skipFrames} frames (already emitted before a
     * restore); a corrupt fragment is counted and skipped, leaving no fragment open.
     */
    void open(
            String fragmentNumber,
            long fragmentStart,
            @Nullable byte[] init,
            byte[] bytes,
            int skipFrames) {
        try {
            decoder.open(init, bytes);
            this.fragmentNumber = fragmentNumber;
            this.fragmentStart = fragmentStart;
            this.skipFrames = skipFrames;
        } catch (CorruptFragmentException e) {
            skipCorrupt(fragmentNumber, e);
        }
    }

    /** Whether a fragment is open with frames left to read. */
    boolean hasFragment() {
        return fragmentNumber != null;
    }

    /** Whether the selector has passed the stopping timestamp: the camera is done. */
    boolean isPastStop() {
        return selector.isPastStop();
    }

    /**
     * Adds the next batch of selected frames; the fragment closes when it has no frames left. Adds
     * nothing if no decode slot came free within {@link #SLOT_WAIT_MILLIS}.
     */
    void decodeInto(List<CameraRecord<T>> out) {
        if (fragmentNumber == null || paused) {
            releaseDecodeSlot();
            return;
        }
        if (!slot.acquire(SLOT_WAIT_MILLIS)) {
            return;
        }
        try {
            decodeBatch(out);
        } finally {
            if (fragmentNumber == null || paused || slot.runIsOver()) {
                releaseDecodeSlot();
            }
        }
    }

    private void decodeBatch(List<CameraRecord<T>> out) {
        long bytes = 0;
        long batchStart = Long.MIN_VALUE;
        while (fragmentNumber != null
                && out.size() < MAX_BATCH_FRAMES
                && bytes < MAX_BATCH_BYTES
                && !paused) {
            DecodedFrame frame;
            try {
                frame =
                        decoder.next(
                                (index, offsetMillis, keyFrame) ->
                                        index >= skipFrames
                                                && selector.select(
                                                        fragmentStart + offsetMillis, keyFrame));
            } catch (CorruptFragmentException e) {
                skipCorrupt(fragmentNumber, e);
                fragmentNumber = null;
                return;
            }
            if (frame == null) {
                fragmentNumber = null;
                fragmentsDecoded++;
                return;
            }
            long timestamp = fragmentStart + frame.offsetMillis();
            FragmentPosition position =
                    new FragmentPosition(
                            fragmentNumber, fragmentStart, frame.indexInFragment() + 1, timestamp);
            CameraRecord<T> record =
                    mapOnTaskThread && decoder.canHoldFrame()
                            ? CameraRecord.unmappedFrame(
                                    new DecodedCameraFrame(cameraId, stream, pixelFormat)
                                            .wrap(frame.hold(), fragmentNumber, timestamp),
                                    timestamp,
                                    position)
                            : mapped(frame, timestamp, position);
            metrics.frameFetched(timestamp, clock.millis());
            bytes += 3L * frame.width() * frame.height();
            if (record != null) {
                out.add(record);
                batchStart = batchStart == Long.MIN_VALUE ? timestamp : batchStart;
                if (timestamp - batchStart >= MAX_BATCH_SPAN_MILLIS) {
                    return;
                }
            }
        }
    }

    /** Gives the decode slot up if this camera holds one; the next batch waits for one again. */
    void releaseDecodeSlot() {
        slot.release();
    }

    /**
     * Alignment paused or resumed the camera; a paused camera stops its batch at the next frame.
     */
    void setPaused(boolean paused) {
        this.paused = paused;
    }

    @Nullable
    private CameraRecord<T> mapped(DecodedFrame frame, long timestamp, FragmentPosition position) {
        T value = map(mapper, view.wrap(frame, fragmentNumber, timestamp));
        return value == null ? null : CameraRecord.frame(value, timestamp, position);
    }

    /** Maps one frame; a failing mapper is named with the frame it failed on. */
    @Nullable
    static <T> T map(FrameMapper<T> mapper, DecodedCameraFrame frame) {
        try {
            return mapper.map(frame);
        } catch (Exception e) {
            throw new FrameMapperException(
                    "Camera "
                            + frame.cameraId()
                            + ": the frame mapper failed on fragment "
                            + frame.fragmentNumber()
                            + " frame "
                            + frame.indexInFragment(),
                    e);
        }
    }

    /** Fragments read to their end so far. */
    long fragmentsDecoded() {
        return fragmentsDecoded;
    }

    /** Fragments skipped as corrupt so far. */
    long fragmentsCorrupt() {
        return fragmentsCorrupt;
    }

    /** Why the last corrupt fragment was skipped, or null. */
    @Nullable
    String lastCorruption() {
        return lastCorruption;
    }

    private void skipCorrupt(String fragment, CorruptFragmentException e) {
        fragmentsCorrupt++;
        lastCorruption = "fragment " + fragment + ": " + e.getMessage();
        metrics.decodeError();
        LOG.warn(
                "Camera {} (stream {}): skipping corrupt fragment {}: {}",
                cameraId,
                stream,
                fragment,
                e.getMessage());
    }

    @Override
    public void close() {
        slot.close();
        decoder.close();
    }

    /** A user's mapper failed: not a connection problem, so it is not retried. */
    static final class FrameMapperException extends FrameSourceException {
        private static final long serialVersionUID = 1L;

        FrameMapperException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
