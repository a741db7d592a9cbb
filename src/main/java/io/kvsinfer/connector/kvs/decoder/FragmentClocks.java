package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avformat.AVStream;

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.Iterator;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

/**
 * The fragments whose packets a decoder was fed and whose pictures may still come out: in a
 * continuous stream a fragment's last pictures (B-frame reordering) and the next fragment's leading
 * pictures come out after its packets ended. Each fragment keeps its own anchor, the earliest
 * presentation time among its packets (the time of the fragment, as its first presented sample;
 * open-GOP leading pictures are presented before the key frame that starts the fragment), and
 * counts its own pictures, so a picture is placed by the fragment whose packet carried it, whenever
 * it comes out.
 *
 * <p>The anchor is taken from the packets, not the pictures, so that pictures the decoder drops
 * (leading pictures after a flush, a stream joined mid-GOP) do not move it; and it is fixed when
 * the fragment's first picture comes out, by when a conforming decoder has been given every packet
 * presented before that picture.
 */
@Internal
final class FragmentClocks {

    /** More fragments than any decoder delay spans; older ones have long finished. */
    private static final int MAX_IN_FLIGHT = 32;

    /** One fragment's clock; time base and wrap are copied as its demuxer goes away first. */
    static final class Clock {
        final long tag;
        private long firstPacketPts = AV_NOPTS_VALUE;
        private long earliestDelta;
        private long anchorPts = AV_NOPTS_VALUE;
        private long timeBaseNum;
        private long timeBaseDen;
        private int wrapBits;
        private int picturesOut;
        private long packets;

        private Clock(long tag) {
            this.tag = tag;
        }

        /** The next picture's index in this fragment, in output (presentation) order. */
        int nextPictureIndex() {
            return picturesOut++;
        }

        int picturesOut() {
            return picturesOut;
        }

        long packets() {
            return packets;
        }

        /**
         * Milliseconds from the fragment's anchor to {@code pts}, across a timestamp wrap.
         *
         * @throws CorruptFragmentException if the stream has no time base, or {@code pts} is so far
         *     from the anchor that the offset does not fit in milliseconds (damaged timestamps)
         */
        long offsetMillis(long pts) throws CorruptFragmentException {
            if (timeBaseNum <= 0 || timeBaseDen <= 0) {
                throw new CorruptFragmentException(
                        "the video stream's time base is "
                                + timeBaseNum
                                + "/"
                                + timeBaseDen
                                + "; a positive fraction is needed to place its frames in time");
            }
            if (anchorPts == AV_NOPTS_VALUE) {
                // No packet carried a time: the first picture out is the anchor.
                anchorPts = firstPacketPts == AV_NOPTS_VALUE ? pts : firstPacketPts + earliestDelta;
            }
            try {
                long delta = unwrapped(Math.subtractExact(pts, anchorPts));
                long scaled =
                        Math.absExact(
                                Math.multiplyExact(Math.multiplyExact(delta, 1000L), timeBaseNum));
                // To the nearest millisecond, halves away from zero, as av_rescale_q rounds.
                long rounded =
                        scaled / timeBaseDen + (2 * (scaled % timeBaseDen) >= timeBaseDen ? 1 : 0);
                return delta < 0 ? -rounded : rounded;
            } catch (ArithmeticException e) {
                throw new CorruptFragmentException(
                        "frame timestamp "
                                + pts
                                + " is too far from the fragment's first, "
                                + anchorPts
                                + ", to count in milliseconds (time base "
                                + timeBaseNum
                                + "/"
                                + timeBaseDen
                                + "); the two may be at most "
                                + Long.MAX_VALUE / 1000
                                + " ms apart");
            }
        }

        /** A difference of two timestamps, taken modulo the stream's wrap when it has one. */
        private long unwrapped(long delta) {
            if (wrapBits > 0 && wrapBits < 63) {
                long wrap = 1L << wrapBits;
                delta = Math.floorMod(delta, wrap);
                if (delta >= wrap / 2) {
                    delta -= wrap;
                }
            }
            return delta;
        }

        private void packet(long pts) {
            packets++;
            if (pts == AV_NOPTS_VALUE || anchorPts != AV_NOPTS_VALUE) {
                return;
            }
            if (firstPacketPts == AV_NOPTS_VALUE) {
                firstPacketPts = pts;
            } else {
                earliestDelta = Math.min(earliestDelta, unwrapped(pts - firstPacketPts));
            }
        }
    }

    private final ArrayDeque<Clock> inFlight = new ArrayDeque<>();
    private long nextTag = 1;

    /** Starts the clock of a newly opened fragment and returns it. */
    Clock open() {
        Clock clock = new Clock(nextTag++);
        inFlight.addLast(clock);
        while (inFlight.size() > MAX_IN_FLIGHT) {
            inFlight.removeFirst();
        }
        return clock;
    }

    /** The video stream of the fragment is known: its time base and timestamp wrap. */
    static void streamOf(Clock clock, AVStream stream) {
        clock.timeBaseNum = stream.time_base().num();
        clock.timeBaseDen = stream.time_base().den();
        clock.wrapBits = stream.pts_wrap_bits();
    }

    /** A video packet of the fragment goes to the decoder with presentation time {@code pts}. */
    static void packet(Clock clock, long pts) {
        clock.packet(pts);
    }

    /** The clock of the fragment tagged {@code tag}, or null if it is no longer in flight. */
    @Nullable
    Clock find(long tag) {
        for (Iterator<Clock> it = inFlight.descendingIterator(); it.hasNext(); ) {
            Clock clock = it.next();
            if (clock.tag == tag) {
                return clock;
            }
        }
        return null;
    }

    /** Forgets every fragment but the newest: the decoder was flushed, nothing older comes out. */
    void flushed() {
        while (inFlight.size() > 1) {
            inFlight.removeFirst();
        }
    }

    void clear() {
        inFlight.clear();
    }
}
