package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

/**
 * A Kinesis Video Streams API call (control plane or GetHLSStreamingSessionURL) failed. The message
 * names the call and the stream and carries no session token; the SDK's exception is not kept as
 * the cause because its message may quote a URL with one.
 */
@Internal
public final class KvsApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the service or the SDK said went wrong. */
    public enum Kind {
        /** ResourceNotFoundException about the stream. */
        STREAM_NOT_FOUND,
        /** ResourceNotFoundException "No fragments found": the stream has nothing in the range. */
        NO_FRAGMENTS,
        /** NotAuthorizedException, HTTP 403 from the API, or missing credentials. */
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

    private final Kind kind;

    public KvsApiException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
