package io.kvsinfer.connector.kvs.source.split;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.util.Preconditions;

import javax.annotation.Nullable;

import java.util.Objects;
import java.util.Optional;

/**
 * One camera: a KVS stream read by one fetcher thread. The split id is the camera id. A split that
 * has been read carries its {@link FragmentPosition}; a new one starts at its {@link
 * StartingPosition}.
 */
@PublicEvolving
public final class KvsStreamSplit implements SourceSplit, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Marks an unbounded split. */
    public static final long NO_STOPPING_TIMESTAMP = -1L;

    private final String cameraId;
    private final String stream;
    private final StartingPosition startingPosition;
    private final long stoppingTimestampMillis;
    @Nullable private final FragmentPosition position;

    public KvsStreamSplit(
            String cameraId,
            String stream,
            StartingPosition startingPosition,
            long stoppingTimestampMillis,
            @Nullable FragmentPosition position) {
        this.cameraId = Preconditions.checkNotNull(cameraId, "cameraId");
        this.stream = Preconditions.checkNotNull(stream, "stream");
        this.startingPosition = Preconditions.checkNotNull(startingPosition, "startingPosition");
        this.stoppingTimestampMillis = stoppingTimestampMillis;
        this.position = position;
    }

    @Override
    public String splitId() {
        return cameraId;
    }

    public String cameraId() {
        return cameraId;
    }

    /** The KVS stream name, or its ARN when it starts with {@code arn:}. */
    public String stream() {
        return stream;
    }

    public StartingPosition startingPosition() {
        return startingPosition;
    }

    public boolean isBounded() {
        return stoppingTimestampMillis != NO_STOPPING_TIMESTAMP;
    }

    public long stoppingTimestampMillis() {
        return stoppingTimestampMillis;
    }

    public Optional<FragmentPosition> position() {
        return Optional.ofNullable(position);
    }

    public KvsStreamSplit withPosition(@Nullable FragmentPosition newPosition) {
        return new KvsStreamSplit(
                cameraId, stream, startingPosition, stoppingTimestampMillis, newPosition);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KvsStreamSplit)) {
            return false;
        }
        KvsStreamSplit that = (KvsStreamSplit) o;
        return stoppingTimestampMillis == that.stoppingTimestampMillis
                && cameraId.equals(that.cameraId)
                && stream.equals(that.stream)
                && startingPosition.equals(that.startingPosition)
                && Objects.equals(position, that.position);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, stream, startingPosition, stoppingTimestampMillis, position);
    }

    @Override
    public String toString() {
        return "KvsStreamSplit{camera="
                + cameraId
                + ", stream="
                + stream
                + ", start="
                + startingPosition
                + (isBounded() ? ", stop=" + stoppingTimestampMillis : "")
                + (position != null ? ", position=" + position : "")
                + "}";
    }
}
