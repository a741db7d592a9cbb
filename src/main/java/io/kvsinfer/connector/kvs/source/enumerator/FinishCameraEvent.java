package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/** Tells a reader that a camera's stream was deleted or no longer matches: finish its split. */
@Internal
public final class FinishCameraEvent implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final String cameraId;

    public FinishCameraEvent(String cameraId) {
        this.cameraId = cameraId;
    }

    public String cameraId() {
        return cameraId;
    }

    @Override
    public String toString() {
        return "FinishCameraEvent{" + cameraId + "}";
    }
}
