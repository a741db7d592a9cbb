package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a response body up to a limit and gives up as soon as the server sends, or announces, more:
 * the size of what we buffer is never the server's choice.
 */
@Internal
final class BoundedBody {

    /** The first allocation when the length is not announced; the buffer then doubles. */
    private static final int FIRST_CHUNK = 64 * 1024;

    /** The largest array the JVM reliably allocates. */
    static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private BoundedBody() {}

    /**
     * The whole body, of at most {@code maxBytes}.
     *
     * @param announced the body's Content-Length, or -1 if the server sent none
     * @throws BodyTooLargeException if the body is, or is announced to be, longer
     */
    static byte[] read(InputStream in, long maxBytes, long announced) throws IOException {
        // A Java array holds a little less than 2 GiB, whatever the option allows.
        long limit = arrayLimit(maxBytes);
        if (announced > limit) {
            throw new BodyTooLargeException(announced, limit);
        }
        byte[] body = readUpTo(in, limit, announced);
        if (body.length == limit && in.read() != -1) {
            throw new BodyTooLargeException(limit + 1, limit);
        }
        return body;
    }

    private static int arrayLimit(long maxBytes) {
        return (int) Math.min(maxBytes, MAX_ARRAY_BYTES);
    }

    /** At most the first {@code maxBytes} of the body; the rest, if any, is left unread. */
    static byte[] readUpTo(InputStream in, long maxBytes, long announced) throws IOException {
        int limit = arrayLimit(maxBytes);
        byte[] body =
                new byte
                        [announced >= 0
                                ? (int) Math.min(announced, limit)
                                : Math.min(FIRST_CHUNK, limit)];
        int length = 0;
        while (length < limit) {
            if (length == body.length) {
                if (length == announced) {
                    break; // the HTTP client ends a Content-Length body there
                }
                body =
                        Arrays.copyOf(
                                body, (int) Math.min(Math.max(2L * length, FIRST_CHUNK), limit));
            }
            int read = in.read(body, length, body.length - length);
            if (read < 0) {
                break;
            }
            length += read;
        }
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    /** The body was, or was announced to be, larger than allowed. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        final long size;
        final long maxBytes;

        BodyTooLargeException(long size, long maxBytes) {
            super(
                    "body of at least "
                            + size
                            + " bytes exceeds the limit of "
                            + maxBytes
                            + " bytes");
            this.size = size;
            this.maxBytes = maxBytes;
        }
    }
}
