package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a limit and gives up, cancelling the download, as soon as the
 * server sends more: the size of what we buffer is never the server's choice.
 */
@Internal
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

    private final long maxBytes;
    private final ByteArrayOutputStream body;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBodySubscriber(long maxBytes, long expectedBytes) {
        this.maxBytes = maxBytes;
        this.body =
                new ByteArrayOutputStream(
                        (int)
                                Math.min(
                                        Math.max(expectedBytes, 1024),
                                        Math.min(maxBytes, 64L << 20)));
    }

    /** A subscriber that fails at once: the announced length is already over the limit. */
    static HttpResponse.BodySubscriber<byte[]> tooLarge(long announced, long maxBytes) {
        BoundedBodySubscriber subscriber = new BoundedBodySubscriber(maxBytes, 0);
        subscriber.result.completeExceptionally(new BodyTooLargeException(announced, maxBytes));
        return subscriber;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (result.isDone()) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (body.size() + (long) buffer.remaining() > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(
                        new BodyTooLargeException(
                                body.size() + (long) buffer.remaining(), maxBytes));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            body.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(body.toByteArray());
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
