package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

/**
 * The session a camera opens next: a live session, or an on-demand session over a closed range of
 * fragment start times (both bounds inclusive, as KVS defines them).
 */
@Internal
final class SessionPlan {

    enum Kind {
        /** Live, starting at the newest fragment (no position yet). */
        LIVE_EDGE,
        /** Live, continuing after the cursor; a gap behind the live window is filled on demand. */
        FOLLOW_LIVE,
        /** On demand over [from, to]. */
        CATCH_UP,
        /**
         * Bounded, with the rest of the range not yet in the past: wait, then read on from {@code
         * from}.
         */
        WAIT,
        /** Nothing left to read: the bounded range is done. */
        FINISHED
    }

    private static final SessionPlan LIVE_EDGE = new SessionPlan(Kind.LIVE_EDGE, -1, -1, -1);
    private static final SessionPlan FOLLOW_LIVE = new SessionPlan(Kind.FOLLOW_LIVE, -1, -1, -1);
    private static final SessionPlan FINISHED = new SessionPlan(Kind.FINISHED, -1, -1, -1);

    private final Kind kind;
    private final long fromMillis;
    private final long toMillis;
    private final long settledUntilMillis;

    private SessionPlan(Kind kind, long fromMillis, long toMillis, long settledUntilMillis) {
        this.kind = kind;
        this.fromMillis = fromMillis;
        this.toMillis = toMillis;
        this.settledUntilMillis = settledUntilMillis;
    }

    static SessionPlan liveEdge() {
        return LIVE_EDGE;
    }

    static SessionPlan followLive() {
        return FOLLOW_LIVE;
    }

    static SessionPlan finished() {
        return FINISHED;
    }

    static SessionPlan catchUp(long fromMillis, long toMillis) {
        return new SessionPlan(Kind.CATCH_UP, fromMillis, toMillis, toMillis);
    }

    /**
     * On demand over [from, to], of which only [from, settledUntil] is old enough that KVS lists
     * every fragment in it: the rest may still receive fragments and is read again later.
     */
    static SessionPlan catchUp(long fromMillis, long toMillis, long settledUntilMillis) {
        return new SessionPlan(
                Kind.CATCH_UP, fromMillis, toMillis, Math.min(toMillis, settledUntilMillis));
    }

    /** Waits before reading on from {@code fromMillis}. */
    static SessionPlan waitThenReadFrom(long fromMillis) {
        return new SessionPlan(Kind.WAIT, fromMillis, -1, -1);
    }

    Kind kind() {
        return kind;
    }

    boolean isLive() {
        return kind == Kind.LIVE_EDGE || kind == Kind.FOLLOW_LIVE;
    }

    long fromMillis() {
        return fromMillis;
    }

    long toMillis() {
        return toMillis;
    }

    /** CATCH_UP: the end of the part of the range that no fragment can be added to any more. */
    long settledUntilMillis() {
        return settledUntilMillis;
    }

    boolean isSettled() {
        return settledUntilMillis >= toMillis;
    }

    @Override
    public String toString() {
        if (kind == Kind.CATCH_UP) {
            return "CATCH_UP["
                    + fromMillis
                    + ".."
                    + toMillis
                    + (isSettled() ? "" : ", settled until " + settledUntilMillis)
                    + "]";
        }
        return kind == Kind.WAIT ? "WAIT[from " + fromMillis + "]" : kind.name();
    }
}
