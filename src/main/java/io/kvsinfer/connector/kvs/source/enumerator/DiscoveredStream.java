package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/** A stream that matched the discovery selector, with the camera id it is read under. */
@Internal
final class DiscoveredStream {

    private final String cameraId;
    private final String streamName;

    public DiscoveredStream(String cameraId, String streamName) {
        this.cameraId = cameraId;
        this.streamName = streamName;
    }

    public String cameraId() {
        return cameraId;
    }

    public String streamName() {
        return streamName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscoveredStream
                && ((DiscoveredStream) o).cameraId.equals(cameraId)
                && ((DiscoveredStream) o).streamName.equals(streamName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, streamName);
    }

    @Override
    public String toString() {
        return cameraId + "=" + streamName;
    }
}
