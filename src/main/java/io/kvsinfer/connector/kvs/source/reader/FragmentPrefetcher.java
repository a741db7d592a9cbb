package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsBodyTooLargeException;
import io.kvsinfer.connector.kvs.hls.HlsFetchException;
import io.kvsinfer.connector.kvs.hls.HlsHttpClient;
import io.kvsinfer.connector.kvs.hls.HlsSegment;
import io.kvsinfer.connector.kvs.hls.SessionTokenRedactor;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;

import org.apache.flink.annotation.Internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Downloads the next fragment while the current one decodes, so that fetching overlaps decoding.
 * Holds at most one download, which bounds the memory a camera uses for fragments in flight.
 */
@Internal
final class FragmentPrefetcher {

    private final HlsHttpClient http;
    private final long maxFragmentBytes;
    private String pendingNumber;
    private CompletableFuture<byte[]> pending;

    FragmentPrefetcher(HlsHttpClient http, long maxFragmentBytes) {
        this.http = http;
        this.maxFragmentBytes = maxFragmentBytes;
    }

    void start(HlsSegment segment) {
        cancel();
        pendingNumber = segment.fragmentNumber();
        pending = http.fetchBytesAsync(segment.uri(), maxFragmentBytes);
    }

    /**
     * The fragment's bytes: the prefetched download if it is this fragment, else a fresh one.
     *
     * @throws HlsBodyTooLargeException if it is larger than {@code max-fragment-size}
     */
    byte[] take(HlsSegment segment) {
        try {
            return download(segment);
        } catch (HlsBodyTooLargeException e) {
            throw e.limitedBy(KvsSourceOptions.MAX_FRAGMENT_SIZE.key());
        }
    }

    private byte[] download(HlsSegment segment) {
        if (pending != null && segment.fragmentNumber().equals(pendingNumber)) {
            CompletableFuture<byte[]> download = pending;
            pending = null;
            pendingNumber = null;
            try {
                return download.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HlsFetchException(
                        "Interrupted while fetching fragment " + segment.fragmentNumber(), -1, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof HlsFetchException) {
                    throw (HlsFetchException) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new HlsFetchException(
                        "Fetching fragment "
                                + segment.fragmentNumber()
                                + " failed: "
                                + cause.getClass().getSimpleName()
                                + ": "
                                + SessionTokenRedactor.redact(String.valueOf(cause.getMessage())));
            }
        }
        cancel();
        return http.fetchBytes(segment.uri(), maxFragmentBytes);
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(true);
        }
        pending = null;
        pendingNumber = null;
    }
}
