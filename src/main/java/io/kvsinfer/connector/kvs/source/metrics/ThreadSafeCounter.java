package io.kvsinfer.connector.kvs.source.metrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;

/**
 * A counter many threads may add to: Flink's {@code numBytesIn} is a plain counter, but every
 * camera's fetcher thread adds the bytes of its fragments to it, and unsynchronized increments lose
 * updates.
 */
@Internal
public final class ThreadSafeCounter implements Counter {

    private final Counter counter;

    public ThreadSafeCounter(Counter counter) {
        this.counter = counter;
    }

    @Override
    public synchronized void inc() {
        counter.inc();
    }

    @Override
    public synchronized void inc(long n) {
        counter.inc(n);
    }

    @Override
    public synchronized void dec() {
        counter.dec();
    }

    @Override
    public synchronized void dec(long n) {
        counter.dec(n);
    }

    @Override
    public synchronized long getCount() {
        return counter.getCount();
    }
}
