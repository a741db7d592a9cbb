package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.FragmentPosition;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * What a camera's fetcher thread hands to the emitter: a mapped frame with its event time and
 * the split position after it, or a signal that the camera went idle (no producer).
 */
@Internal
public final class CameraRecord<T> {

    @Nullable private final T value;
    private final long timestampMillis;
    @Nullable private final FragmentPosition positionAfter;

    private CameraRecord(@Nullable T value, long timestampMillis, @Nullable FragmentPosition positionAfter) {
        this.value = value;
        this.timestampMillis = timestampMillis;
        this.positionAfter = positionAfter;
    }

    public static <T> CameraRecord<T> frame(T value, long timestampMillis, FragmentPosition positionAfter) {
        return new CameraRecord<>(value, timestampMillis, positionAfter);
    }

    public static <T> CameraRecord<T> idle() {
        return new CameraRecord<>(null, -1, null);
    }

    public boolean isIdleSignal() {
        return positionAfter == null;
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
