package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * An answer's body was, or was announced to be, longer than its limit. Unlike other fetch failures
 * it repeats on every attempt, so the reader decides what to do with it; {@link #limitedBy} names
 * the option behind the limit once the caller knows which one it was.
 */
@Internal
public final class HlsBodyTooLargeException extends HlsFetchException {
    private static final long serialVersionUID = 1L;

    private final String redactedUri;
    private final long size;
    private final long limit;

    HlsBodyTooLargeException(String redactedUri, long size, long limit) {
        this(redactedUri, size, limit, null);
    }

    private HlsBodyTooLargeException(
            String redactedUri, long size, long limit, @Nullable String option) {
        super(message(redactedUri, size, limit, option), -1, null);
        this.redactedUri = redactedUri;
        this.size = size;
        this.limit = limit;
    }

    private static String message(String uri, long size, long limit, @Nullable String option) {
        return "The body of "
                + uri
                + " has at least "
                + size
                + " bytes, more than the limit of "
                + limit
                + " bytes"
                + (option == null ? "" : " (" + option + ")" + advice(limit));
    }

    /** Raising the option helps only below the largest body a Java array holds. */
    private static String advice(long limit) {
        return limit >= BoundedBody.MAX_ARRAY_BYTES
                ? ", the most one answer can hold as a Java array: it cannot be read"
                : "; raise it if the stream's answers are this large";
    }

    /** The same failure, its message naming the option that set the limit. */
    public HlsBodyTooLargeException limitedBy(String option) {
        return new HlsBodyTooLargeException(redactedUri, size, limit, option);
    }

    /** At least this many bytes: the announced length, or one more than the limit. */
    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
