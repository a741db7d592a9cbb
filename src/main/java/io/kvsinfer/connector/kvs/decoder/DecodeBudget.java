package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import java.time.Duration;

/**
 * Time one fragment may spend being decoded. Only time inside the decoder counts: the caller's work
 * between two frames (inference, emitting records) must not make a healthy fragment corrupt.
 */
@Internal
final class DecodeBudget {

    private final Duration limit;
    private final long limitNanos;
    private long spentNanos;
    private long enteredAt;
    private boolean inside;

    DecodeBudget(Duration limit) {
        this.limit = limit;
        this.limitNanos = limit.toNanos();
    }

    /** A new fragment starts with the full budget. */
    void reset() {
        spentNanos = 0;
        inside = false;
    }

    void enter() {
        enteredAt = System.nanoTime();
        inside = true;
    }

    void exit() {
        if (inside) {
            spentNanos += System.nanoTime() - enteredAt;
            inside = false;
        }
    }

    boolean exhausted() {
        long spent = spentNanos + (inside ? System.nanoTime() - enteredAt : 0);
        return spent > limitNanos;
    }

    /** The fragment spent its budget: corrupt, as {@code max-decode-time} says; {@code detail}. */
    CorruptFragmentException exceeded(String detail) {
        return new CorruptFragmentException(
                "decoding took longer than the limit of "
                        + limit
                        + " (source.kvs.decoder.max-decode-time; "
                        + detail
                        + ")");
    }
}
