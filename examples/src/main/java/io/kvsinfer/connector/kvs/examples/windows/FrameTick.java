package io.kvsinfer.connector.kvs.examples.windows;

/** Just what counting needs from a frame: its camera and event time (no pixels are copied). */
public class FrameTick {
    public String cameraId;
    public long timestampMillis;

    public FrameTick() {}

    public FrameTick(String cameraId, long timestampMillis) {
        this.cameraId = cameraId;
        this.timestampMillis = timestampMillis;
    }
}
