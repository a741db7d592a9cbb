package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * AWS's per-second quotas, as fixed one-second windows on the injected clock (so tests with a fixed
 * clock see exact counts). Does nothing unless enforcement is on.
 */
@Internal
public final class RateLimits {

    private final InstantSource clock;
    private final boolean enforce;
    private final ConcurrentMap<String, long[]> windows = new ConcurrentHashMap<>();

    public RateLimits(InstantSource clock, boolean enforce) {
        this.clock = clock;
        this.enforce = enforce;
    }

    /**
     * Spends {@code cost} of the {@code limit} per second available under {@code key}, or throws
     * ClientLimitExceededException if that would exceed it.
     */
    public void charge(String key, long cost, long limit) {
        if (!enforce) {
            return;
        }
        long second = Math.floorDiv(clock.millis(), 1000L);
        long[] window = windows.computeIfAbsent(key, k -> new long[2]);
        synchronized (window) {
            if (window[0] != second) {
                window[0] = second;
                window[1] = 0;
            }
            if (window[1] + cost > limit) {
                throw KvsError.clientLimitExceeded(
                        "Request rate limit exceeded: " + limit + " per second for " + key + ".");
            }
            window[1] += cost;
        }
    }

    /** Forgets windows older than the current second, so memory stays flat. */
    public void purge() {
        long second = Math.floorDiv(clock.millis(), 1000L);
        windows.values()
                .removeIf(
                        w -> {
                            synchronized (w) {
                                return w[0] < second - 1;
                            }
                        });
    }
}
