package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches playlists and fragments. Every body is bounded (the limit is checked against the
 * announced length and again while reading), every request has an overall deadline, redirects are
 * not followed, and every URL in a message has its session token removed.
 */
@Internal
public final class HlsHttpClient implements AutoCloseable {

    /** How much of an error body is read, to quote KVS's message. */
    static final long MAX_ERROR_BODY = 16 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    /**
     * Times out downloads. Not {@code CompletableFuture.orTimeout}: the JDK's shared timer thread
     * it starts lives forever with the context class loader of whoever started it, which pins a
     * job's class loader on a TaskManager long after the job ended. This one ends with the client.
     */
    private final ScheduledExecutorService timeouts =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread thread = new Thread(r, "kvs-hls-timeouts");
                        thread.setDaemon(true);
                        return thread;
                    });

    public HlsHttpClient(Duration connectTimeout, Duration timeout) {
        Preconditions.checkArgument(
                !timeout.isNegative() && !timeout.isZero(),
                "timeout must be > 0, but was %s",
                timeout);
        this.timeout = timeout;
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(connectTimeout)
                        .build();
    }

    public String fetchText(URI uri, long maxBytes) {
        return new String(fetchBytes(uri, maxBytes), StandardCharsets.UTF_8);
    }

    public byte[] fetchBytes(URI uri, long maxBytes) {
        CompletableFuture<byte[]> download = fetchBytesAsync(uri, maxBytes);
        try {
            return download.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            download.cancel(true);
            Thread.currentThread().interrupt();
            throw new HlsFetchException(
                    "Interrupted while fetching " + SessionTokenRedactor.redact(uri), -1, e);
        } catch (ExecutionException e) {
            throw asHlsException(uri, e.getCause());
        } catch (TimeoutException e) {
            download.cancel(true);
            throw new HlsFetchException(
                    "No complete answer within "
                            + timeout.toMillis()
                            + " ms from "
                            + SessionTokenRedactor.redact(uri));
        }
    }

    /** Starts a download; the future fails with an {@link HlsFetchException}. */
    public CompletableFuture<byte[]> fetchBytesAsync(URI uri, long maxBytes) {
        Preconditions.checkArgument(maxBytes > 0, "maxBytes must be > 0, but was %s", maxBytes);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        CompletableFuture<HttpResponse<byte[]>> sent =
                client.sendAsync(request, info -> subscriberFor(info, maxBytes));
        ScheduledFuture<?> timer =
                timeouts.schedule(
                        () -> sent.completeExceptionally(new TimeoutException()),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        return sent.whenComplete((response, failure) -> timer.cancel(false))
                .handle(
                        (response, failure) -> {
                            if (failure != null) {
                                throw asHlsException(uri, failure);
                            }
                            if (response.statusCode() / 100 != 2) {
                                throw errorAnswer(uri, response);
                            }
                            return response.body();
                        });
    }

    private static HttpResponse.BodySubscriber<byte[]> subscriberFor(
            HttpResponse.ResponseInfo info, long maxBytes) {
        long limit = info.statusCode() / 100 == 2 ? maxBytes : MAX_ERROR_BODY;
        long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (announced > limit && info.statusCode() / 100 == 2) {
            return BoundedBodySubscriber.tooLarge(announced, limit);
        }
        return new BoundedBodySubscriber(limit, announced);
    }

    private static HlsFetchException errorAnswer(URI uri, HttpResponse<byte[]> response) {
        String code =
                response.headers()
                        .firstValue("x-amzn-ErrorType")
                        .map(v -> v.split(":", 2)[0])
                        .orElse("");
        String body = new String(response.body(), StandardCharsets.UTF_8);
        String message = KvsErrorMessages.messageOf(body);
        int status = response.statusCode();
        return new HlsFetchException(
                "HTTP "
                        + status
                        + (code.isEmpty() ? "" : " " + code)
                        + (message.isEmpty()
                                ? ""
                                : " (" + SessionTokenRedactor.redact(message) + ")")
                        + " from "
                        + SessionTokenRedactor.redact(uri)
                        + (status == 403
                                ? ": the streaming session expired or its token is not valid"
                                : ""),
                status,
                null);
    }

    static HlsFetchException asHlsException(URI uri, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HlsFetchException) {
            return (HlsFetchException) cause;
        }
        if (cause instanceof TimeoutException) {
            return new HlsFetchException(
                    "No complete answer within the timeout from "
                            + SessionTokenRedactor.redact(uri));
        }
        if (cause instanceof CancellationException) {
            return new HlsFetchException(
                    "Fetching " + SessionTokenRedactor.redact(uri) + " was cancelled");
        }
        // Keep the type and a redacted message, but not the original exception: its message or
        // stack could carry the URL with its token.
        return new HlsFetchException(
                "Fetching "
                        + SessionTokenRedactor.redact(uri)
                        + " failed: "
                        + cause.getClass().getSimpleName()
                        + ": "
                        + SessionTokenRedactor.redact(String.valueOf(cause.getMessage())));
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() before Java 21; its threads end when it is
        // unreachable.
        timeouts.shutdownNow();
    }
}
