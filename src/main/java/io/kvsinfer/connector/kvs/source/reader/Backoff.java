package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, counting failures in a row. The n-th consecutive failure waits
 * {@code initial * multiplier^(n-1)}, capped at {@code max}, minus up to 20% random jitter so that
 * many cameras failing together do not reconnect in lock step.
 */
@Internal
final class Backoff {
    static final double JITTER = 0.2;

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final int maxConsecutiveErrors;
    private final DoubleSupplier random;
    private int consecutiveFailures;

    public Backoff(
            Duration initial,
            Duration max,
            double multiplier,
            int maxConsecutiveErrors,
            DoubleSupplier random) {
        Preconditions.checkArgument(
                !initial.isNegative() && !initial.isZero(),
                "initial delay must be > 0, but was %s",
                initial);
        Preconditions.checkArgument(
                max.compareTo(initial) >= 0,
                "max delay %s must be >= initial delay %s",
                max,
                initial);
        Preconditions.checkArgument(
                multiplier >= 1.0, "multiplier must be >= 1.0, but was %s", multiplier);
        Preconditions.checkArgument(
                maxConsecutiveErrors >= 1,
                "maxConsecutiveErrors must be >= 1, but was %s",
                maxConsecutiveErrors);
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.maxConsecutiveErrors = maxConsecutiveErrors;
        this.random = random;
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    public Duration onFailure() {
        consecutiveFailures++;
        double factor = Math.pow(multiplier, consecutiveFailures - 1);
        double millis = Math.min(max.toMillis(), initial.toMillis() * factor);
        double jittered = millis * (1.0 - JITTER * random.getAsDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }

    public void onSuccess() {
        consecutiveFailures = 0;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** True once {@code maxConsecutiveErrors} failures happened in a row. */
    public boolean isExhausted() {
        return consecutiveFailures >= maxConsecutiveErrors;
    }

    public int maxConsecutiveErrors() {
        return maxConsecutiveErrors;
    }
}
