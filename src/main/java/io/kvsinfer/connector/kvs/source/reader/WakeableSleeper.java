package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

import java.time.Duration;

/**
 * Waits that {@link #wakeUp()} cuts short: a fetcher thread sleeping through a backoff or a poll
 * interval must return at once when Flink wakes it (new splits, pause, shutdown).
 */
@Internal
final class WakeableSleeper {
    private final Object lock = new Object();
    private boolean woken;

    /** Sleeps up to {@code duration}; returns false if woken (or interrupted) before it elapsed. */
    boolean sleep(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (lock) {
            try {
                while (!woken) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return true;
                    }
                    lock.wait(Math.max(1, remaining / 1_000_000), 0);
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                woken = false;
            }
        }
    }

    void wakeUp() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }
}
