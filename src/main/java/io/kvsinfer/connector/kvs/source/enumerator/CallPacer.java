package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

/**
 * Spaces calls evenly at no more than a given rate, without bursts: AWS counts its TPS quotas per
 * second, so a burst at the start of a second is what gets throttled. Not a token bucket on
 * purpose; the discovery calls one at a time and has nothing to gain from saved-up permits.
 */
@Internal
final class CallPacer {

    /** Time and waiting for the pacer and the discovery's backoff, injectable for tests. */
    @Internal
    interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        Clock SYSTEM =
                new Clock() {
                    @Override
                    public long nanoTime() {
                        return System.nanoTime();
                    }

                    @Override
                    public void sleepNanos(long nanos) throws InterruptedException {
                        Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
                    }
                };
    }

    private final long intervalNanos;
    private final Clock clock;
    private long nextNanos;
    private boolean started;

    CallPacer(int callsPerSecond, Clock clock) {
        Preconditions.checkArgument(
                callsPerSecond >= 1,
                "callsPerSecond must be at least 1 but was %s.",
                callsPerSecond);
        // Rounded up, so that the pace never exceeds the rate.
        this.intervalNanos = (1_000_000_000L + callsPerSecond - 1) / callsPerSecond;
        this.clock = Preconditions.checkNotNull(clock, "clock must not be null.");
    }

    /** Waits until the next call may go out, and books that slot. */
    synchronized void acquire() throws InterruptedException {
        long now = clock.nanoTime();
        if (!started) {
            started = true;
            nextNanos = now;
        }
        long wait = nextNanos - now;
        if (wait > 0) {
            clock.sleepNanos(wait);
        } else {
            // An idle pacer saves no permits: the next slot is now.
            nextNanos = now;
        }
        nextNanos += intervalNanos;
    }
}
