package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.annotation.Internal;

import java.time.Duration;

/**
 * Decides which session a camera opens next. Live sessions only list the newest fragments and never
 * back-fill, so anything behind the live window (a start in the past, a restore, a long outage) is
 * read with on-demand sessions first, in ranges of at most 24 hours as KVS allows, and the camera
 * switches to live once it has caught up.
 */
@Internal
final class SessionPlanner {

    /** KVS rejects on-demand ranges longer than 24 hours. */
    static final long MAX_RANGE_MILLIS = Duration.ofHours(24).toMillis() - 1;

    /** A fragment that starts this long before a start timestamp may still hold frames after it. */
    static final long START_LOOKBACK_MILLIS = 10_000;

    /** Gaps between consecutive fragments up to this size are jitter, not missing fragments. */
    static final long GAP_TOLERANCE_MILLIS = 500;

    /** A catch-up that ends this close to now hands over to the live session. */
    static final long LIVE_HANDOVER_MILLIS = 30_000;

    private final StartingPosition start;
    private final long stopMillis;

    SessionPlanner(StartingPosition start, long stopMillis) {
        this.start = start;
        this.stopMillis = stopMillis;
    }

    boolean isBounded() {
        return stopMillis >= 0;
    }

    /** The first plan of a camera without a checkpointed position. */
    SessionPlan initial(long nowMillis, long earliestMillis) {
        switch (start.kind()) {
            case LATEST:
                return SessionPlan.liveEdge();
            case EARLIEST:
                return rangeFrom(earliestMillis, nowMillis);
            default:
                return rangeFrom(
                        Math.max(0, start.timestampMillis() - START_LOOKBACK_MILLIS), nowMillis);
        }
    }

    /** The plan of a camera restored at a fragment that started at {@code fragmentStartMillis}. */
    SessionPlan restored(long fragmentStartMillis, long nowMillis) {
        return rangeFrom(fragmentStartMillis, nowMillis);
    }

    /** After the whole of an on-demand range was listed: the next range, live, or finished. */
    SessionPlan afterCatchUp(SessionPlan done, long nowMillis) {
        return rangeFrom(done.toMillis() + 1, nowMillis);
    }

    /**
     * Whether a live window whose oldest fragment starts at {@code oldestStartMillis} leaves out
     * fragments after the cursor; if so the returned plan fills the gap, otherwise null.
     */
    SessionPlan gapBefore(long oldestStartMillis, ReadCursor cursor) {
        if (cursor.isEmpty()
                || oldestStartMillis <= cursor.coveredUntilMillis() + GAP_TOLERANCE_MILLIS) {
            return null;
        }
        long from =
                Math.max(
                        cursor.lastStartMillis(),
                        cursor.coveredUntilMillis() - GAP_TOLERANCE_MILLIS);
        return SessionPlan.catchUp(from, oldestStartMillis - 1);
    }

    /** After a live session ended or expired: continue live, or from the archive if behind. */
    SessionPlan resume(ReadCursor cursor, long nowMillis) {
        if (cursor.isEmpty()) {
            return SessionPlan.liveEdge();
        }
        return SessionPlan.followLive();
    }

    private SessionPlan rangeFrom(long fromMillis, long nowMillis) {
        if (isBounded()) {
            if (fromMillis > stopMillis) {
                return SessionPlan.finished();
            }
            return SessionPlan.catchUp(
                    fromMillis, Math.min(stopMillis, fromMillis + MAX_RANGE_MILLIS));
        }
        if (fromMillis >= nowMillis - LIVE_HANDOVER_MILLIS) {
            return SessionPlan.followLive();
        }
        return SessionPlan.catchUp(fromMillis, Math.min(nowMillis, fromMillis + MAX_RANGE_MILLIS));
    }
}
