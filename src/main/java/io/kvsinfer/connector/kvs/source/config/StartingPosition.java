package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** Where a camera starts reading when the job starts without a checkpoint. */
@PublicEvolving
public final class StartingPosition implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The kinds of starting position; also the values of {@code source.kvs.starting-position}. */
    @PublicEvolving
    public enum Kind {
        /** The newest fragment at start-up: the live edge. */
        LATEST,
        /** The oldest fragment the stream still retains. */
        EARLIEST,
        /** The first frame at or after a given producer timestamp. */
        TIMESTAMP
    }

    private static final StartingPosition LATEST = new StartingPosition(Kind.LATEST, -1);
    private static final StartingPosition EARLIEST = new StartingPosition(Kind.EARLIEST, -1);

    private final Kind kind;
    private final long timestampMillis;

    private StartingPosition(Kind kind, long timestampMillis) {
        this.kind = kind;
        this.timestampMillis = timestampMillis;
    }

    public static StartingPosition latest() {
        return LATEST;
    }

    public static StartingPosition earliest() {
        return EARLIEST;
    }

    public static StartingPosition fromTimestamp(Instant timestamp) {
        Preconditions.checkNotNull(timestamp, "starting timestamp must not be null");
        return fromTimestamp(timestamp.toEpochMilli());
    }

    public static StartingPosition fromTimestamp(long epochMillis) {
        Preconditions.checkArgument(
                epochMillis >= 0,
                "starting timestamp must be epoch milliseconds >= 0, but was %s",
                epochMillis);
        return new StartingPosition(Kind.TIMESTAMP, epochMillis);
    }

    public Kind kind() {
        return kind;
    }

    /** Epoch milliseconds for {@link Kind#TIMESTAMP}, otherwise -1. */
    public long timestampMillis() {
        return timestampMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StartingPosition)) {
            return false;
        }
        StartingPosition that = (StartingPosition) o;
        return kind == that.kind && timestampMillis == that.timestampMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, timestampMillis);
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP
                ? "TIMESTAMP(" + Instant.ofEpochMilli(timestampMillis) + ")"
                : kind.name();
    }
}
