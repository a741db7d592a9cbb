package io.kvsinfer.connector.kvs.testing;

import java.util.Objects;

/** What a test keeps of a frame: its camera, event time and the index read from its pixels. */
public class FrameKey {
    public String cameraId;
    public long timestampMillis;

    /** The index the synthetic camera drew into the picture, or -1 if unreadable. */
    public int pixelIndex;

    public int width;
    public int height;

    public FrameKey() {}

    public FrameKey(String cameraId, long timestampMillis, int pixelIndex, int width, int height) {
        this.cameraId = cameraId;
        this.timestampMillis = timestampMillis;
        this.pixelIndex = pixelIndex;
        this.width = width;
        this.height = height;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FrameKey)) {
            return false;
        }
        FrameKey that = (FrameKey) o;
        return timestampMillis == that.timestampMillis
                && pixelIndex == that.pixelIndex
                && width == that.width
                && height == that.height
                && Objects.equals(cameraId, that.cameraId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, timestampMillis, pixelIndex);
    }

    @Override
    public String toString() {
        return cameraId + "@" + timestampMillis + "#" + pixelIndex;
    }
}
