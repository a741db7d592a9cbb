package io.kvsinfer.connector.kvs.source.split;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.util.Objects;

/**
 * How far a camera has been emitted: the last fragment that frames were taken from and how many of
 * its frames (in decode order) were already handled. Restoring from this position re-reads that
 * fragment, skips {@link #framesConsumed()} frames and continues with the next one, so every frame
 * leaves the source exactly once.
 */
@PublicEvolving
public final class FragmentPosition implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String fragmentNumber;
    private final long fragmentTimestampMillis;
    private final int framesConsumed;
    private final long lastEmittedTimestampMillis;

    public FragmentPosition(
            String fragmentNumber,
            long fragmentTimestampMillis,
            int framesConsumed,
            long lastEmittedTimestampMillis) {
        this.fragmentNumber = Preconditions.checkNotNull(fragmentNumber, "fragmentNumber");
        Preconditions.checkArgument(
                framesConsumed >= 0, "framesConsumed must be >= 0, but was %s", framesConsumed);
        this.fragmentTimestampMillis = fragmentTimestampMillis;
        this.framesConsumed = framesConsumed;
        this.lastEmittedTimestampMillis = lastEmittedTimestampMillis;
    }

    /** The opaque KVS fragment number, kept as a string (it does not fit a long). */
    public String fragmentNumber() {
        return fragmentNumber;
    }

    /** Start time of the fragment (producer or server time, per the fragment selector). */
    public long fragmentTimestampMillis() {
        return fragmentTimestampMillis;
    }

    /** Frames of the fragment already handled: emitted, or dropped by sampling. */
    public int framesConsumed() {
        return framesConsumed;
    }

    /** Timestamp of the last frame emitted, or -1; frame-rate sampling continues from it. */
    public long lastEmittedTimestampMillis() {
        return lastEmittedTimestampMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FragmentPosition)) {
            return false;
        }
        FragmentPosition that = (FragmentPosition) o;
        return fragmentTimestampMillis == that.fragmentTimestampMillis
                && framesConsumed == that.framesConsumed
                && lastEmittedTimestampMillis == that.lastEmittedTimestampMillis
                && fragmentNumber.equals(that.fragmentNumber);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                fragmentNumber,
                fragmentTimestampMillis,
                framesConsumed,
                lastEmittedTimestampMillis);
    }

    @Override
    public String toString() {
        return "fragment "
                + fragmentNumber
                + " @"
                + fragmentTimestampMillis
                + " +"
                + framesConsumed
                + " frames";
    }
}
