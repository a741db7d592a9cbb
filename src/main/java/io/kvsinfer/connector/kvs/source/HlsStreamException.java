package io.kvsinfer.connector.kvs.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Reading the HLS stream failed: a playlist or fragment could not be fetched, was too large, or
 * could not be parsed, or the streaming session expired.
 */
@PublicEvolving
public class HlsStreamException extends FrameSourceException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public HlsStreamException(String message) {
        this(message, -1, null);
    }

    public HlsStreamException(String message, Throwable cause) {
        this(message, -1, cause);
    }

    public HlsStreamException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of the failed answer, or -1 when there was none (I/O error, bad content). */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Always: a new session and a fresh fetch can succeed (an expired token, a lost connection).
     */
    @Override
    public boolean isRetryable() {
        return true;
    }

    /** True when KVS answered 403: the session token expired or is unknown; open a new session. */
    public boolean isSessionExpired() {
        return httpStatus == 403;
    }
}
