package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.CorruptFragmentException;
import io.kvsinfer.connector.kvs.decoder.DecodedFrame;
import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.decoder.FrameSampler;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames of the fragment a camera is reading: decodes them, keeps the ones the {@link
 * FrameSelector} selects, maps them and hands them out in bounded batches. A corrupt fragment is
 * counted and skipped. Runs on the camera's fetcher thread; not thread-safe except {@link
 * #setPaused} and {@link #wakeUp}.
 *
 * <p>A {@link RecyclingFrameMapper} (the default one, which copies the pixels into a pooled array)
 * maps on the task thread instead, where its arrays come back: frames are handed out with their
 * pixels held, so the copy overlaps the decoding of the next frames. The decoder lets only a few
 * frames be held at once; when the task thread is behind, the next frames are mapped here, right
 * after their conversion, and decoding goes on without waiting. When every core is decoding (see
 * {@link DecodeSlots.Holder#everyCoreDecoding()}) frames are mapped here as well: no core is free
 * to overlap the copy, and here the pixels are still in the cache.
 *
 * <p>Fragments are decoded as one continuous stream while each follows the one before (see {@link
 * FragmentDecoder#openInStream}): a fragment's last pictures come out with the next fragment's
 * packets, or from {@link #endStream()}, and every frame is placed (fragment number, timestamp,
 * checkpoint position) by the fragment whose packet carried it. A fragment counts as read once its
 * packets are decoded.
 *
 * <p>Decoding happens only while the camera holds one of the process's {@link DecodeSlots}: it
 * waits for one before decoding, keeps it across batches while its fragment lasts (up to {@link
 * DecodeSlots#MAX_RUN_MILLIS}), and gives it up when the fragment ends or the camera is paused. A
 * camera whose batch is held up in Flink's full element queue (backpressure) for longer than {@link
 * DecodeSlots#AWAY_MILLIS} loses the slot to the camera at the head of the line, and waits in line
 * again for its next batch.
 */
@Internal
final class FragmentFrames<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentFrames.class);

    /**
     * A batch ends after this many frames or bytes, whichever comes first, to bound queued memory.
     */
    static final int MAX_BATCH_FRAMES = 32;

    /**
     * The byte bound: one frame of 720p or more. The frames of the batches waiting for the task
     * thread hold pixel arrays that the pool hands back for later frames; the fewer are in flight,
     * the more of the next frame's array is still in the CPU cache when its pixels are copied in.
     * At 64 live 720p BGR24 cameras 2 MB took 9 % less CPU a frame than 8 MB (three frames a
     * batch).
     */
    static final long MAX_BATCH_BYTES = 2L << 20;

    /**
     * A batch also ends once it spans this much event time: watermark alignment can only pause a
     * camera between batches, so the span bounds how far a paused camera overshoots the allowed
     * drift.
     */
    static final long MAX_BATCH_SPAN_MILLIS = 250;

    /**
     * How long a batch waits in line for a decode slot before returning empty. {@link #wakeUp()}
     * ends the wait at once, so this only bounds how long Flink's fetcher loop goes without a turn;
     * the camera keeps its place in the line either way.
     */
    static final long SLOT_WAIT_MILLIS = 1000;

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

    /** The fragment whose packets are being decoded, or null. */
    @Nullable private String fragmentNumber;

    /** Draining the pictures a stream's decoder held after the stream broke or ended. */
    private boolean draining;

    /** The fragments frames may still come from, by the decoder's tag; the oldest go first. */
    private final Map<Long, OpenFragment> fragmentsByTag =
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, OpenFragment> eldest) {
                    return size() > MAX_FRAGMENTS_IN_FLIGHT;
                }
            };

    private static final int MAX_FRAGMENTS_IN_FLIGHT = 32;

    /**
     * A fragment whose frames may still come out: frames at or before {@code skipThroughMillis}
     * were emitted before a restore (or the fragment only primes the decoder) and are not again.
     */
    private record OpenFragment(String number, long startMillis, long skipThroughMillis) {}

    /**
     * Fragments read to their end, and skipped (corrupt, or refused unread): how the fetcher tells
     * progress from failure.
     */
    private long fragmentsDecoded;

    private long fragmentsSkipped;
    private long framesWithoutReference;

    /** Chooses the frames to emit: see {@link #keeps}. */
    private final FrameSampler sampler = this::keeps;

    @Nullable private String lastSkipReason;

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
     * Starts on a fragment; with {@code followsPrevious} (the stream's next fragment after the one
     * opened before) it goes on in the same decoder. Frames at or before {@code skipThroughMillis}
     * are not emitted: those emitted before a restore, or all of a fragment read only to give the
     * next one its references. A corrupt fragment is counted and skipped, leaving no fragment open.
     */
    void open(
            String fragmentNumber,
            long fragmentStart,
            @Nullable byte[] init,
            byte[] bytes,
            boolean followsPrevious,
            long skipThroughMillis) {
        try {
            long tag = decoder.openInStream(init, bytes, followsPrevious);
            fragmentsByTag.put(
                    tag, new OpenFragment(fragmentNumber, fragmentStart, skipThroughMillis));
            this.fragmentNumber = fragmentNumber;
        } catch (CorruptFragmentException e) {
            skipCorrupt(fragmentNumber, e);
        }
    }

    /**
     * The stream broke or ended with no fragment to follow: the frames its decoder still holds are
     * decoded next. False if it holds none.
     */
    boolean endStream() {
        if (fragmentNumber != null || draining || !decoder.endStream()) {
            return false;
        }
        draining = true;
        return true;
    }

    /** Whether frames are left to read: a fragment is open, or held frames are draining. */
    boolean hasFragment() {
        return fragmentNumber != null || draining;
    }

    /** Whether the selector has passed the stopping timestamp: the camera is done. */
    boolean isPastStop() {
        return selector.isPastStop();
    }

    /**
     * Adds the next batch of selected frames; the fragment closes when it has no frames left. Adds
     * nothing if the camera's turn for a decode slot did not come within {@link #SLOT_WAIT_MILLIS}
     * or a wake-up ended the wait.
     */
    void decodeInto(List<CameraRecord<T>> out) {
        if (slot.stepBack()) {
            // Taken while Flink's queue was full: the output memory goes to the cameras decoding.
            decoder.parkOutput();
        }
        if (!hasFragment() || paused) {
            releaseDecodeSlot();
            return;
        }
        if (!slot.acquire(SLOT_WAIT_MILLIS)) {
            return;
        }
        try {
            decodeBatch(out);
        } finally {
            if (!hasFragment() || paused || slot.runIsOver()) {
                releaseDecodeSlot();
            } else {
                slot.stepAway();
            }
        }
    }

    private void decodeBatch(List<CameraRecord<T>> out) {
        long bytes = 0;
        long batchStart = Long.MIN_VALUE;
        while (hasFragment()
                && out.size() < MAX_BATCH_FRAMES
                && bytes < MAX_BATCH_BYTES
                && !paused) {
            DecodedFrame frame;
            try {
                frame = decoder.next(sampler);
                countFramesWithoutReference();
            } catch (CorruptFragmentException e) {
                countFramesWithoutReference();
                skipCorrupt(fragmentNumber != null ? fragmentNumber : "(held frames)", e);
                fragmentNumber = null;
                draining = false;
                return;
            }
            if (frame == null) {
                if (fragmentNumber != null) {
                    fragmentNumber = null;
                    fragmentsDecoded++;
                }
                draining = false;
                return;
            }
            OpenFragment fragment = fragmentOf(frame.fragmentTag());
            long timestamp = fragment.startMillis() + frame.offsetMillis();
            FragmentPosition position =
                    new FragmentPosition(
                            fragment.number(),
                            fragment.startMillis(),
                            frame.indexInFragment() + 1,
                            timestamp);
            CameraRecord<T> record =
                    mapOnTaskThread && !slot.everyCoreDecoding() && decoder.canHoldFrame()
                            ? CameraRecord.unmappedFrame(
                                    new DecodedCameraFrame(cameraId, stream, pixelFormat)
                                            .wrap(frame.hold(), fragment.number(), timestamp),
                                    timestamp,
                                    position)
                            : mapped(frame, fragment.number(), timestamp, position);
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

    private void countFramesWithoutReference() {
        long total = decoder.picturesWithoutReference();
        if (total > framesWithoutReference) {
            metrics.framesWithoutReference(total - framesWithoutReference);
            framesWithoutReference = total;
        }
    }

    /**
     * Whether a frame is emitted, timed by the fragment that carried it: not if at or before that
     * fragment's {@code skipThroughMillis}, otherwise as the selector says.
     */
    private boolean keeps(long fragmentTag, int indexInFragment, long offsetMillis, boolean key) {
        OpenFragment fragment = fragmentOf(fragmentTag);
        long timestamp = fragment.startMillis() + offsetMillis;
        return timestamp > fragment.skipThroughMillis() && selector.select(timestamp, key);
    }

    private OpenFragment fragmentOf(long tag) {
        OpenFragment fragment = fragmentsByTag.get(tag);
        if (fragment == null) {
            throw new IllegalStateException(
                    "Camera " + cameraId + ": a frame of fragment tag " + tag + " not opened");
        }
        return fragment;
    }

    /**
     * Gives the decode slot up if this camera holds one; the next batch waits for one again. Its
     * output memory goes to the cameras that decode meanwhile: every frame of its batches so far
     * was mapped or is held.
     */
    void releaseDecodeSlot() {
        slot.release();
        decoder.parkOutput();
    }

    /**
     * Alignment paused or resumed the camera; a paused camera stops its batch at the next frame.
     */
    void setPaused(boolean paused) {
        this.paused = paused;
        if (paused) {
            slot.wakeUp();
        }
    }

    /** Ends a wait for a decode slot early (Flink wants its fetcher thread back). Thread-safe. */
    void wakeUp() {
        slot.wakeUp();
    }

    @Nullable
    private CameraRecord<T> mapped(
            DecodedFrame frame, String number, long timestamp, FragmentPosition position) {
        T value = map(mapper, view.wrap(frame, number, timestamp));
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

    /** Fragments skipped so far, corrupt or refused unread. */
    long fragmentsSkipped() {
        return fragmentsSkipped;
    }

    /** Why the last fragment was skipped and what to check, or null. */
    @Nullable
    String lastSkipReason() {
        return lastSkipReason;
    }

    /**
     * A fragment refused before decoding, such as one larger than {@code max-fragment-size}:
     * counted with the corrupt ones, so that a stream of them reaches the error limit.
     */
    void skipUnread(String fragment, String reason) {
        skip("unreadable", fragment, reason);
    }

    private void skipCorrupt(String fragment, CorruptFragmentException e) {
        metrics.decodeError();
        skip(
                "corrupt",
                fragment,
                e.getMessage()
                        + ". The stream's video is damaged or not H.264/H.265 that FFmpeg can"
                        + " decode.");
    }

    private void skip(String kind, String fragment, String reason) {
        fragmentsSkipped++;
        lastSkipReason = "fragment " + fragment + ": " + reason;
        LOG.warn(
                "Camera {} (stream {}): skipping {} fragment {}: {}",
                cameraId,
                stream,
                kind,
                fragment,
                reason);
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
