package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Tells the enumerator that a reader's camera ended, and whether because its stream no longer
 * exists. A discovered camera whose stream is gone is forgotten, so that a stream re-created under
 * the same name is read again from the next discovery round, however soon it comes back.
 */
@Internal
public final class CameraEndedEvent implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final String cameraId;
    private final boolean streamGone;

    public CameraEndedEvent(String cameraId, boolean streamGone) {
        this.cameraId = cameraId;
        this.streamGone = streamGone;
    }

    public String cameraId() {
        return cameraId;
    }

    /** The camera ended because its stream was deleted, not at a stop or on request. */
    public boolean streamGone() {
        return streamGone;
    }

    @Override
    public String toString() {
        return "CameraEndedEvent{" + cameraId + (streamGone ? ", stream gone}" : "}");
    }
}
