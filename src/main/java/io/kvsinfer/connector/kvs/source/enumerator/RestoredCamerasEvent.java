package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.List;

/**
 * Tells the enumerator which cameras a reader restored from its checkpointed state, sent once when
 * the reader starts. A finish-camera event can be lost: the reader may not have registered yet, may
 * fail right after it, or its split may move to another subtask when the job is rescaled. The
 * enumerator answers this report by finishing the cameras it no longer reads, and learns where the
 * others now run.
 */
@Internal
public final class RestoredCamerasEvent implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final List<String> cameraIds;

    public RestoredCamerasEvent(List<String> cameraIds) {
        this.cameraIds = List.copyOf(cameraIds);
    }

    public List<String> cameraIds() {
        return cameraIds;
    }

    @Override
    public String toString() {
        return "RestoredCamerasEvent" + cameraIds;
    }
}
