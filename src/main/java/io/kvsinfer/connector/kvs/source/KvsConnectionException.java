package io.kvsinfer.connector.kvs.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A Kinesis Video Streams API call failed: the stream does not exist, access is denied, the call
 * was throttled, an argument was rejected, or the service could not be reached.
 */
@PublicEvolving
public class KvsConnectionException extends FrameSourceException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed, so callers can tell permanent from transient failures. */
    public enum Reason {
        /** The stream does not exist (ResourceNotFoundException about the stream). */
        STREAM_NOT_FOUND,
        /** The stream exists but has no fragment in the requested range ("No fragments found"). */
        NO_FRAGMENTS,
        /** NotAuthorizedException or missing credentials. */
        ACCESS_DENIED,
        /** ClientLimitExceededException. */
        THROTTLED,
        /** InvalidArgumentException and other rejections of the request itself. */
        INVALID_ARGUMENT,
        /** The stream's media cannot be served over HLS (codec, retention, codec private data). */
        UNSUPPORTED_MEDIA,
        /** Network failures, 5xx answers and anything else. */
        UNAVAILABLE
    }

    private final Reason reason;

    public KvsConnectionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KvsConnectionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Whether retrying the same call later can succeed: throttling, an unreachable service, no
     * fragments yet, and denied access, because credentials renew (assumed roles, instance
     * profiles) and IAM changes take a while to propagate. A missing stream, a rejected argument
     * and media that HLS cannot serve are permanent.
     */
    @Override
    public boolean isRetryable() {
        return reason == Reason.NO_FRAGMENTS
                || reason == Reason.THROTTLED
                || reason == Reason.UNAVAILABLE
                || reason == Reason.ACCESS_DENIED;
    }
}
