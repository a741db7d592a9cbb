package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches playlists and fragments. Every body is bounded (the limit is checked against the
 * announced length and again while reading), every request has an overall deadline, redirects are
 * not followed, and every URL in a message has its session token removed.
 *
 * <p>Requests go through the AWS SDK's Apache HTTP client, the one its API calls use, with a pool
 * of kept-alive connections per reader: blocking reads straight into the body's array cost about a
 * third of the CPU of the JDK's asynchronous client per fragment (measured: 0.42 against 1.41 ms
 * per warm 400 KB fetch over loopback). Downloads run on the client's own threads, so that a
 * caller's interrupt, a prefetch's cancellation or the deadline can abort the connection.
 */
@Internal
public final class HlsHttpClient implements AutoCloseable {

    /** How much of an error body is read, to quote KVS's message. */
    static final long MAX_ERROR_BODY = 16 * 1024;

    /**
     * Connections the pool keeps per reader: each camera has at most a prefetch and a playlist or
     * fragment in flight, so this is never what a reader waits for.
     */
    static final int MAX_CONNECTIONS = 4096;

    private final SdkHttpClient client;
    private final Duration timeout;

    /**
     * Runs downloads. Its threads, and the deadline timer's, end with the client: threads that
     * outlived it would keep the context class loader of whoever started them, pinning a job's
     * class loader on a TaskManager long after the job ended.
     */
    private final ExecutorService downloads;

    private final ScheduledExecutorService deadlines;

    public HlsHttpClient(Duration connectTimeout, Duration timeout) {
        Preconditions.checkArgument(
                !timeout.isNegative() && !timeout.isZero(),
                "timeout must be > 0, but was %s",
                timeout);
        this.timeout = timeout;
        this.client =
                ApacheHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(timeout)
                        .connectionAcquisitionTimeout(timeout)
                        .maxConnections(MAX_CONNECTIONS)
                        .build();
        this.downloads =
                new ThreadPoolExecutor(
                        0,
                        Integer.MAX_VALUE,
                        30,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<>(),
                        daemonThreads("kvs-hls-fetch-"));
        ScheduledThreadPoolExecutor timer =
                new ScheduledThreadPoolExecutor(1, daemonThreads("kvs-hls-timeouts-"));
        // Most downloads end well before their deadline; their timers should not pile up.
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public String fetchText(URI uri, long maxBytes) {
        return new String(fetchBytes(uri, maxBytes), StandardCharsets.UTF_8);
    }

    public byte[] fetchBytes(URI uri, long maxBytes) {
        CompletableFuture<byte[]> download = fetchBytesAsync(uri, maxBytes);
        try {
            return download.get();
        } catch (InterruptedException e) {
            download.cancel(true);
            Thread.currentThread().interrupt();
            throw new HlsFetchException(
                    "Interrupted while fetching " + SessionTokenRedactor.redact(uri), -1, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw asHlsException(uri, e.getCause());
        }
    }

    /**
     * Starts a download; the future fails with an {@link HlsFetchException}. Cancelling it aborts
     * the download.
     */
    public CompletableFuture<byte[]> fetchBytesAsync(URI uri, long maxBytes) {
        Preconditions.checkArgument(maxBytes > 0, "maxBytes must be > 0, but was %s", maxBytes);
        ExecutableHttpRequest call =
                client.prepareRequest(
                        HttpExecuteRequest.builder()
                                .request(
                                        SdkHttpRequest.builder()
                                                .uri(uri)
                                                .method(SdkHttpMethod.GET)
                                                .build())
                                .build());
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline;
        try {
            // Failing the result first makes the download's own failure, once aborted, a no-op.
            deadline =
                    deadlines.schedule(
                            () -> result.completeExceptionally(timedOut(uri)),
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
            downloads.execute(() -> download(uri, maxBytes, call, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(
                    new HlsFetchException(
                            "Not fetching "
                                    + SessionTokenRedactor.redact(uri)
                                    + ": the client is closed"));
            return result;
        }
        result.whenComplete(
                (body, failure) -> {
                    deadline.cancel(false);
                    if (failure != null) {
                        call.abort();
                    }
                });
        return result;
    }

    private void download(
            URI uri, long maxBytes, ExecutableHttpRequest call, CompletableFuture<byte[]> result) {
        if (result.isDone()) {
            return;
        }
        try {
            HttpExecuteResponse response = call.call();
            result.complete(body(uri, response, maxBytes));
        } catch (Exception failure) {
            result.completeExceptionally(asHlsException(uri, failure));
        } catch (Error error) {
            // Not a fetch failure to retry: the caller gets the error itself.
            result.completeExceptionally(error);
            throw error;
        }
    }

    /** The body of a 2xx answer, or the error an answer of any other status stands for. */
    private static byte[] body(URI uri, HttpExecuteResponse response, long maxBytes)
            throws IOException {
        SdkHttpResponse head = response.httpResponse();
        boolean ok = head.isSuccessful();
        long announced =
                head.firstMatchingHeader("Content-Length")
                        .map(HlsHttpClient::parseLength)
                        .orElse(-1L);
        AbortableInputStream in = response.responseBody().orElse(null);
        if (in == null) {
            if (ok) {
                return new byte[0];
            }
            throw errorAnswer(uri, head, new byte[0]);
        }
        boolean complete = false;
        try {
            byte[] bytes;
            try {
                bytes =
                        ok
                                ? BoundedBody.read(in, maxBytes, announced)
                                : BoundedBody.readUpTo(in, MAX_ERROR_BODY, announced);
            } catch (BoundedBody.BodyTooLargeException e) {
                throw new HlsBodyTooLargeException(
                        SessionTokenRedactor.redact(uri), e.size, e.maxBytes);
            }
            complete = ok;
            if (!ok) {
                throw errorAnswer(uri, head, bytes);
            }
            return bytes;
        } finally {
            if (!complete) {
                // Closing would read the rest to reuse the connection: what we refused.
                in.abort();
            }
            in.close();
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private HlsFetchException timedOut(URI uri) {
        return new HlsFetchException(
                "No complete answer within "
                        + timeout.toMillis()
                        + " ms from "
                        + SessionTokenRedactor.redact(uri));
    }

    private static HlsFetchException errorAnswer(URI uri, SdkHttpResponse head, byte[] body) {
        String code =
                head.firstMatchingHeader("x-amzn-ErrorType")
                        .map(v -> v.split(":", 2)[0])
                        .orElse("");
        String message = KvsErrorMessages.messageOf(new String(body, StandardCharsets.UTF_8));
        int status = head.statusCode();
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
        if (cause instanceof SocketTimeoutException) {
            return new HlsFetchException(
                    "No answer within the timeout from " + SessionTokenRedactor.redact(uri));
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
        deadlines.shutdownNow();
        downloads.shutdownNow();
        // Closes the pooled connections, which ends any download still reading.
        client.close();
    }
}
