package io.kvsinfer.connector.kvs.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Base of every error the KVS source raises. Thrown to Flink when a camera cannot go on (for
 * example after {@code maxConsecutiveErrors} failures in a row), so that the job's restart strategy
 * takes over. Messages name the camera and stream and never contain session tokens or credentials.
 */
@PublicEvolving
public class FrameSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FrameSourceException(String message) {
        super(message);
    }

    public FrameSourceException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the source retries after this failure (with backoff, counting it against {@code
     * max-consecutive-errors}) rather than failing the camera at once. The one rule the reader
     * follows; see the Errors section of the reference.
     */
    public boolean isRetryable() {
        return false;
    }
}
