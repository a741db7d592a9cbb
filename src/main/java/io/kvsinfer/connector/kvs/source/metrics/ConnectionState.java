package io.kvsinfer.connector.kvs.source.metrics;

import org.apache.flink.annotation.PublicEvolving;

/** A camera's connection state; the metric {@code connection_state} reports {@link #code()}. */
@PublicEvolving
public enum ConnectionState {
    DISCONNECTED(0),
    CONNECTING(1),
    CONNECTED(2),
    RECONNECTING(3),
    ERROR(4);

    private final int code;

    ConnectionState(int code) {
        this.code = code;
    }

    /** The number the Python reader exported for this state. */
    public int code() {
        return code;
    }
}
