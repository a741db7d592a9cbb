package io.kvsinfer.connector.kvs.examples.windows;

import java.time.Instant;

/** How many frames one camera produced in one minute of event time. */
public class CameraMinute {
    public String cameraId;
    public long minuteStartMillis;
    public long frames;

    public CameraMinute() {}

    public CameraMinute(String cameraId, long minuteStartMillis, long frames) {
        this.cameraId = cameraId;
        this.minuteStartMillis = minuteStartMillis;
        this.frames = frames;
    }

    @Override
    public String toString() {
        return cameraId + " " + Instant.ofEpochMilli(minuteStartMillis) + " " + frames + " frames";
    }
}
