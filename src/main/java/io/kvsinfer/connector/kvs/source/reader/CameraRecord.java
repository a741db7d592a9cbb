package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.FragmentPosition;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * What a camera's fetcher thread hands to the emitter: a mapped frame with its event time and
 * the split position after it; a signal that the camera went idle (no producer); or a signal that
 * the camera will emit nothing older than a timestamp, sent before its first frame so that event
 * time (and watermark alignment) accounts for a camera that is still opening its first fragment.
 */
@Internal
public final class CameraRecord<T> {

    /** What a record carries. */
    public enum Kind { FRAME, IDLE, NOTHING_BEFORE }

    private final Kind kind;
    @Nullable private final T value;
    private final long timestampMillis;
    @Nullable private final FragmentPosition positionAfter;

    private CameraRecord(Kind kind, @Nullable T value, long timestampMillis, @Nullable FragmentPosition positionAfter) {
        this.kind = kind;
        this.value = value;
        this.timestampMillis = timestampMillis;
        this.positionAfter = positionAfter;
    }

    public static <T> CameraRecord<T> frame(T value, long timestampMillis, FragmentPosition positionAfter) {
        return new CameraRecord<>(Kind.FRAME, value, timestampMillis, positionAfter);
    }

    public static <T> CameraRecord<T> idle() {
        return new CameraRecord<>(Kind.IDLE, null, -1, null);
    }

    /** The camera's next frame is at or after {@code timestampMillis}. */
    public static <T> CameraRecord<T> nothingBefore(long timestampMillis) {
        return new CameraRecord<>(Kind.NOTHING_BEFORE, null, timestampMillis, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isIdleSignal() {
        return kind == Kind.IDLE;
    }

    @Nullable
    public T value() {
        return value;
    }

    public long timestampMillis() {
        return timestampMillis;
    }

    @Nullable
    public FragmentPosition positionAfter() {
        return positionAfter;
    }
}
