package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

/**
 * An AWS-style error answer: HTTP status, error code (sent in {@code x-amzn-ErrorType}) and message
 * (sent as {@code {"Message": ...}}). Thrown by handlers; carries no stack trace because it is an
 * answer, not a bug.
 */
@Internal
public final class KvsError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public KvsError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static KvsError invalidArgument(String message) {
        return new KvsError(400, "InvalidArgumentException", message);
    }

    public static KvsError notFound(String message) {
        return new KvsError(404, "ResourceNotFoundException", message);
    }

    public static KvsError resourceInUse(String message) {
        return new KvsError(400, "ResourceInUseException", message);
    }

    public static KvsError clientLimitExceeded(String message) {
        return new KvsError(400, "ClientLimitExceededException", message);
    }

    public static KvsError noDataRetention(String message) {
        return new KvsError(400, "NoDataRetentionException", message);
    }

    public static KvsError unsupportedMediaType(String message) {
        return new KvsError(400, "UnsupportedStreamMediaTypeException", message);
    }

    /** Malformed JSON or a field of the wrong JSON type, as AWS's front end reports it. */
    public static KvsError serialization(String message) {
        return new KvsError(400, "SerializationException", message);
    }

    /** A session token that is unknown, expired or for a deleted stream. */
    public static KvsError forbidden(String message) {
        return new KvsError(403, "NotAuthorizedException", message);
    }
}
