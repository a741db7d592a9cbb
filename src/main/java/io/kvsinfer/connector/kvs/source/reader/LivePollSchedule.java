package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

import java.time.Duration;

/**
 * When to fetch a live playlist next. Fragments of a live camera arrive one fragment duration
 * apart, so after a new fragment appears the next is not due for about that long: the schedule
 * sleeps until shortly before then and polls at the fast live-edge interval until it appears. A
 * fragment is then picked up within one fast interval instead of within the (AWS-recommended)
 * one-second interval, with only a few more requests per fragment. If the fragment is late by
 * more than its duration (the producer paused), polling falls back to the normal interval.
 */
@Internal
final class LivePollSchedule {

    private static final long UNSET = Long.MIN_VALUE;

    private final long intervalNanos;
    private final long fastIntervalNanos;
    private long lastPollNanos = UNSET;
    private long nextExpectedNanos = UNSET;
    private long expectedDurationNanos;

    LivePollSchedule(Duration interval, Duration fastInterval) {
        this.intervalNanos = interval.toNanos();
        this.fastIntervalNanos = Math.min(fastInterval.toNanos(), intervalNanos);
    }

    /** Time from {@code nowNanos} until the next poll is due; zero if due now. */
    Duration untilNextPoll(long nowNanos) {
        if (lastPollNanos == UNSET) {
            return Duration.ZERO;
        }
        long due;
        if (nextExpectedNanos == UNSET || nowNanos > nextExpectedNanos + expectedDurationNanos) {
            due = lastPollNanos + intervalNanos;
        } else {
            // Sleep until the next fragment is due, then poll at the fast interval.
            due = Math.max(nextExpectedNanos, lastPollNanos + fastIntervalNanos);
        }
        return Duration.ofNanos(Math.max(0, due - nowNanos));
    }

    /**
     * Records a poll made at {@code polledAtNanos}; {@code newFragmentMillis} is the duration of the
     * newest fragment if the poll found a new one, or a negative number if it found none.
     */
    void polled(long polledAtNanos, long newFragmentMillis) {
        lastPollNanos = polledAtNanos;
        if (newFragmentMillis > 0) {
            expectedDurationNanos = newFragmentMillis * 1_000_000L;
            // Found up to one fast interval after it appeared: start polling that much early.
            nextExpectedNanos = polledAtNanos + expectedDurationNanos - fastIntervalNanos;
        }
    }
}
