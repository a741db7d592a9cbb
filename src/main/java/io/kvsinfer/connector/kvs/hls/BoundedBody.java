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

    private BoundedBody() {}

    /**
     * The whole body, of at most {@code maxBytes}.
     *
     * @param announced the body's Content-Length, or -1 if the server sent none
     * @throws BodyTooLargeException if the body is, or is announced to be, longer
     */
    static byte[] read(InputStream in, long maxBytes, long announced) throws IOException {
        if (announced > maxBytes) {
            throw new BodyTooLargeException(announced, maxBytes);
        }
        byte[] body = readUpTo(in, maxBytes, announced);
        if (body.length == maxBytes && in.read() != -1) {
            throw new BodyTooLargeException(maxBytes + 1, maxBytes);
        }
        return body;
    }

    /** At most the first {@code maxBytes} of the body; the rest, if any, is left unread. */
    static byte[] readUpTo(InputStream in, long maxBytes, long announced) throws IOException {
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
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

        BodyTooLargeException(long size, long maxBytes) {
            super(
                    "body of at least "
                            + size
                            + " bytes exceeds the limit of "
                            + maxBytes
                            + " bytes");
        }
    }
}
