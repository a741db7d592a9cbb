package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.FragmentPosition;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * What a camera's fetcher thread hands to the emitter: a frame with its event time and the split
 * position after it, either mapped or (for a {@link RecyclingFrameMapper}) still to be mapped by
 * the task thread; a signal that the camera went idle (no producer); or a signal that the camera
 * will emit nothing older than a timestamp, sent before its first frame so that event time (and
 * watermark alignment) accounts for a camera that is still opening its first fragment.
 */
@Internal
final class CameraRecord<T> {

    /** What a record carries. */
    public enum Kind {
        FRAME,
        IDLE,
        NOTHING_BEFORE
    }

    private final Kind kind;
    @Nullable private final T value;
    @Nullable private final DecodedCameraFrame unmapped;
    private final long timestampMillis;
    @Nullable private final FragmentPosition positionAfter;

    private CameraRecord(
            Kind kind,
            @Nullable T value,
            @Nullable DecodedCameraFrame unmapped,
            long timestampMillis,
            @Nullable FragmentPosition positionAfter) {
        this.kind = kind;
        this.value = value;
        this.unmapped = unmapped;
        this.timestampMillis = timestampMillis;
        this.positionAfter = positionAfter;
    }

    public static <T> CameraRecord<T> frame(
            T value, long timestampMillis, FragmentPosition positionAfter) {
        return new CameraRecord<>(Kind.FRAME, value, null, timestampMillis, positionAfter);
    }

    /** A frame the task thread maps; its pixels are held until then. */
    static <T> CameraRecord<T> unmappedFrame(
            DecodedCameraFrame frame, long timestampMillis, FragmentPosition positionAfter) {
        return new CameraRecord<>(Kind.FRAME, null, frame, timestampMillis, positionAfter);
    }

    public static <T> CameraRecord<T> idle() {
        return new CameraRecord<>(Kind.IDLE, null, null, -1, null);
    }

    /** The camera's next frame is at or after {@code timestampMillis}. */
    public static <T> CameraRecord<T> nothingBefore(long timestampMillis) {
        return new CameraRecord<>(Kind.NOTHING_BEFORE, null, null, timestampMillis, null);
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

    /** A frame still to be mapped, or null when {@link #value()} is the mapped frame. */
    @Nullable
    DecodedCameraFrame unmapped() {
        return unmapped;
    }

    public long timestampMillis() {
        return timestampMillis;
    }

    @Nullable
    public FragmentPosition positionAfter() {
        return positionAfter;
    }
}
