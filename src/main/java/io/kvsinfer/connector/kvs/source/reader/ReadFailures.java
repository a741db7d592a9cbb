package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsFetchException;
import io.kvsinfer.connector.kvs.hls.KvsApiException;
import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.HlsStreamException;
import io.kvsinfer.connector.kvs.source.KvsConnectionException;

import org.apache.flink.annotation.Internal;

/**
 * Turns the HLS client's failures into the source's public exceptions, which is what users catch
 * and what decides whether a failure is retried. The client's exception stays as the cause.
 */
@Internal
final class ReadFailures {

    private ReadFailures() {}

    /** The public exception for a failure of the HLS client; public exceptions pass through. */
    static FrameSourceException toSourceException(RuntimeException e) {
        if (e instanceof FrameSourceException) {
            return (FrameSourceException) e;
        }
        if (e instanceof KvsApiException) {
            KvsApiException api = (KvsApiException) e;
            // The client's kinds are the public reasons, one to one.
            return new KvsConnectionException(
                    KvsConnectionException.Reason.valueOf(api.kind().name()),
                    api.getMessage(),
                    api);
        }
        if (e instanceof HlsFetchException) {
            HlsFetchException fetch = (HlsFetchException) e;
            return new HlsStreamException(fetch.getMessage(), fetch.httpStatus(), fetch);
        }
        throw new IllegalArgumentException(
                "Not a failure of the HLS client: " + e.getClass().getName(), e);
    }
}
