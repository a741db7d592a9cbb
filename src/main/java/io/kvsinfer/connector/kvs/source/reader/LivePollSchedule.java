package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * When to fetch a live playlist next. The next fragment of a live camera ends one fragment duration
 * after the newest listed one, and appears some delay after it ends (ingestion, plus any skew
 * between the producer's clock and ours). The schedule sleeps until the next fragment is due and
 * then polls at the fast live-edge interval until it appears, so a fragment is picked up within
 * about one fast interval instead of within the (AWS-recommended) one-second interval, at a cost of
 * a few requests per fragment. The delay is learnt: the smallest delay observed over the last
 * fragments found while looking for them, each an upper bound of the true delay, so the start of
 * the search moves earlier by one fast interval per fragment until it brackets the true delay. If a
 * fragment is late by more than its duration (the producer paused), polling falls back to the
 * normal interval. All times are wall-clock epoch milliseconds, as fragment timestamps are.
 */
@Internal
final class LivePollSchedule {

    private static final long UNSET = Long.MIN_VALUE;
    private static final int DELAYS_REMEMBERED = 8;

    private final long intervalMillis;
    private final long fastMillis;
    private final ArrayDeque<Long> delays = new ArrayDeque<>();
    private long lastPollMillis = UNSET;
    private long nextDueMillis = UNSET;
    private long durationMillis;

    LivePollSchedule(Duration interval, Duration fastInterval) {
        this.intervalMillis = interval.toMillis();
        this.fastMillis = Math.min(fastInterval.toMillis(), intervalMillis);
    }

    /** Time from {@code nowMillis} until the next poll is due; zero if due now. */
    Duration untilNextPoll(long nowMillis) {
        if (lastPollMillis == UNSET) {
            return Duration.ZERO;
        }
        long due;
        if (nextDueMillis == UNSET || nowMillis > nextDueMillis + durationMillis) {
            due = lastPollMillis + intervalMillis;
        } else {
            long latest = lastPollMillis + durationMillis + intervalMillis;
            due = Math.min(latest, Math.max(nextDueMillis, lastPollMillis + fastMillis));
        }
        return Duration.ofMillis(Math.max(0, due - nowMillis));
    }

    /** Records a poll at {@code nowMillis} that found no new fragment. */
    void polled(long nowMillis) {
        lastPollMillis = nowMillis;
    }

    /**
     * Records that the poll at {@code polledAtMillis} found a new newest fragment, ending at {@code
     * endMillis} (its timestamp plus its duration) and lasting {@code fragmentMillis}.
     */
    void foundFragment(long polledAtMillis, long endMillis, long fragmentMillis) {
        lastPollMillis = polledAtMillis;
        if (nextDueMillis != UNSET && polledAtMillis >= nextDueMillis) {
            // Found while looking for it: at most one fast interval (or one interval) after it
            // appeared.
            delays.addLast(polledAtMillis - endMillis);
            if (delays.size() > DELAYS_REMEMBERED) {
                delays.removeFirst();
            }
        }
        long delay = delays.stream().mapToLong(Long::longValue).min().orElse(fastMillis);
        durationMillis = fragmentMillis;
        nextDueMillis = endMillis + fragmentMillis + delay - fastMillis;
    }
}
