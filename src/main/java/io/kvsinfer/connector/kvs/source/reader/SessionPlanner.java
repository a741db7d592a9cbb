package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.time.Duration;

/**
 * Decides which session a camera opens next. Live sessions only list the newest fragments and never
 * back-fill, so anything behind the live window (a start in the past, a restore, a long outage) is
 * read with on-demand sessions first, in ranges of at most 24 hours as KVS allows, and the camera
 * switches to live once it has caught up.
 *
 * <p>With SERVER_TIMESTAMP, KVS rejects a range that ends after its own clock's now, and the host's
 * clock may run ahead of it: ranges end {@link #SERVICE_CLOCK_MARGIN_MILLIS} before the host's now,
 * and further back once KVS said its clock lags more ({@link #serviceClockBehind}). A bounded read
 * whose stop is still in the future reads what is in the past, waits, and reads on until the stop
 * is settled (every fragment up to it complete and listed).
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

    /**
     * SERVER_TIMESTAMP ranges end this long before the host's now, since KVS rejects ends after its
     * own now and the host's clock may run a little ahead of the service's.
     */
    static final long SERVICE_CLOCK_MARGIN_MILLIS = 5_000;

    /** A service clock learned to lag further behind than this fails the camera instead. */
    static final long MAX_SERVICE_LAG_MILLIS = Duration.ofMinutes(30).toMillis();

    /**
     * A fragment that starts at t is complete and listed by t plus this: fragments last seconds,
     * and a bounded read ends only once its stop is this far in the past.
     */
    static final long SETTLE_MILLIS = 10_000;

    private final StartingPosition start;
    private final long stopMillis;
    private final boolean serverTimestamps;

    /** How far the service's clock was found to lag behind the host's, beyond the margin. */
    private long serviceLagMillis;

    SessionPlanner(StartingPosition start, long stopMillis) {
        this(start, stopMillis, false);
    }

    /**
     * @param serverTimestamps whether ranges are in server timestamps (which KVS requires to end in
     *     its past) rather than the producer's
     */
    SessionPlanner(StartingPosition start, long stopMillis, boolean serverTimestamps) {
        this.start = start;
        this.stopMillis = stopMillis;
        this.serverTimestamps = serverTimestamps;
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
        if (!done.isSettled()) {
            // Fragments may still arrive after the settled part: a bounded read lists it again
            // after a pause; an unbounded one reads on from there, live or from the archive.
            long next = Math.max(done.fromMillis(), done.settledUntilMillis() + 1);
            return isBounded() ? SessionPlan.waitThenReadFrom(next) : rangeFrom(next, nowMillis);
        }
        return rangeFrom(done.toMillis() + 1, nowMillis);
    }

    /** After a {@link SessionPlan.Kind#WAIT}: read on from where it said. */
    SessionPlan afterWait(SessionPlan waited, long nowMillis) {
        return rangeFrom(waited.fromMillis(), nowMillis);
    }

    /**
     * After a session or fetch failed: where to read on. A camera that was following live and took
     * a fragment moments ago follows live again, since the live window lists what was ingested
     * since, whatever the camera's clock stamped on it; otherwise the range from the last fragment
     * ingested that was read (not the latest stamped: a camera's clock may have jumped back). Null
     * when nothing was read yet: the camera starts over.
     */
    @Nullable
    SessionPlan afterFailure(@Nullable SessionPlan failed, ReadCursor cursor, long nowMillis) {
        if (cursor.isEmpty()) {
            return null;
        }
        if (!isBounded()
                && failed != null
                && failed.isLive()
                && cursor.lastTakenAtMillis() >= nowMillis - LIVE_HANDOVER_MILLIS) {
            return SessionPlan.followLive();
        }
        return rangeFrom(cursor.resumeStartMillis(), nowMillis);
    }

    /**
     * KVS rejected {@code rejected} as invalid. If it was a SERVER_TIMESTAMP range, the likely
     * cause is an end after the service's now (the host's clock runs ahead by more than the
     * margin): returns the same range ending further back, doubling the lag allowed for each time,
     * or null when the request cannot be blamed on the clock and the error stands.
     */
    @Nullable
    SessionPlan serviceClockBehind(SessionPlan rejected, long nowMillis) {
        if (!serverTimestamps || rejected.kind() != SessionPlan.Kind.CATCH_UP) {
            return null;
        }
        long lag = serviceLagMillis == 0 ? SERVICE_CLOCK_MARGIN_MILLIS : serviceLagMillis * 2;
        if (lag > MAX_SERVICE_LAG_MILLIS) {
            return null;
        }
        serviceLagMillis = lag;
        if (isBounded()) {
            return rangeFrom(rejected.fromMillis(), nowMillis);
        }
        long ceiling = ceiling(nowMillis);
        long end = Math.min(rejected.toMillis(), ceiling);
        return end < rejected.fromMillis()
                ? SessionPlan.followLive()
                : unboundedRange(rejected.fromMillis(), end, ceiling);
    }

    long serviceLagMillis() {
        return serviceLagMillis;
    }

    /** The latest end a range may have now: the service's now as far as the host can tell. */
    private long ceiling(long nowMillis) {
        return serverTimestamps
                ? nowMillis - SERVICE_CLOCK_MARGIN_MILLIS - serviceLagMillis
                : nowMillis;
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
                        cursor.resumeStartMillis(),
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
        long ceiling = ceiling(nowMillis);
        if (isBounded()) {
            if (fromMillis > stopMillis) {
                return SessionPlan.finished();
            }
            long end = Math.min(stopMillis, fromMillis + MAX_RANGE_MILLIS);
            if (end <= ceiling - SETTLE_MILLIS) {
                return SessionPlan.catchUp(fromMillis, end);
            }
            // The range reaches into the last seconds or the future: read what is there now.
            long listable = Math.min(end, ceiling);
            if (listable < fromMillis) {
                return SessionPlan.waitThenReadFrom(fromMillis);
            }
            return SessionPlan.catchUp(fromMillis, listable, ceiling - SETTLE_MILLIS);
        }
        if (fromMillis >= nowMillis - LIVE_HANDOVER_MILLIS
                || ceiling - SETTLE_MILLIS < fromMillis) {
            // Caught up, or nothing left that the archive has settled (a service clock that lags
            // far): the live window lists the rest, and the gap before it is filled if need be.
            return SessionPlan.followLive();
        }
        return unboundedRange(
                fromMillis, Math.min(ceiling, fromMillis + MAX_RANGE_MILLIS), ceiling);
    }

    /**
     * A catch-up of an unbounded read over [from, to], settled only up to {@link #SETTLE_MILLIS}
     * before now: a fragment still being produced when the range is listed is not listed yet, and
     * the next range (or the gap before the live window) must start early enough to hold it. {@code
     * ceiling} is {@link #ceiling}'s latest end now.
     */
    private SessionPlan unboundedRange(long fromMillis, long toMillis, long ceiling) {
        return SessionPlan.catchUp(fromMillis, toMillis, ceiling - SETTLE_MILLIS);
    }
}
