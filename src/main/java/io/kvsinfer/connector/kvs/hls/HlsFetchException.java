package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * Fetching or reading a playlist, init segment or fragment of a session failed: an HTTP error
 * answer, an I/O error or timeout, a body over its limit, or a playlist that does not parse.
 * Messages never carry the session token.
 */
@Internal
public class HlsFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public HlsFetchException(String message) {
        this(message, -1, null);
    }

    public HlsFetchException(String message, int httpStatus, @Nullable Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of the failed answer, or -1 when there was none (I/O error, bad content). */
    public int httpStatus() {
        return httpStatus;
    }
}
