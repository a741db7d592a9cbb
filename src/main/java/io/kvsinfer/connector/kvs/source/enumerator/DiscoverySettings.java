package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.annotation.Internal;

import java.time.Duration;

/**
 * How the enumerator discovers cameras: how often, and where cameras it finds start reading.
 * Cameras found by the first discovery start where the job starts; cameras found later start at the
 * time of the discovery before, so that nothing they recorded since then is missed.
 */
@Internal
final class DiscoverySettings {

    /** Retry interval of a discovery that runs once but failed. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    private final Duration interval;
    private final boolean once;
    private final StartingPosition initialStart;
    private final long stoppingTimestampMillis;

    public DiscoverySettings(
            Duration interval,
            boolean bounded,
            StartingPosition initialStart,
            long stoppingTimestampMillis) {
        this.once = bounded || interval.isZero() || interval.isNegative();
        this.interval = once ? RETRY_INTERVAL : interval;
        this.initialStart = initialStart;
        this.stoppingTimestampMillis = stoppingTimestampMillis;
    }

    /** Period of the discovery calls (the retry interval when discovery runs once). */
    public Duration interval() {
        return interval;
    }

    /** Whether only the first successful discovery counts (bounded source, or interval 0). */
    public boolean once() {
        return once;
    }

    public StartingPosition initialStart() {
        return initialStart;
    }

    public long stoppingTimestampMillis() {
        return stoppingTimestampMillis;
    }
}
