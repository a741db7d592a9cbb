package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

/** A fragment could not be decoded: truncated, garbage, missing its init segment, or too slow. */
@Internal
public class CorruptFragmentException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptFragmentException(String message) {
        super(message);
    }

    public CorruptFragmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
