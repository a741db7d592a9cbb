package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

/** One streaming session: what it selects, when it was created and when it expires. */
@Internal
public final class HlsSession {

    private final String token;
    private final StreamState stream;
    private final HlsSessionSpec spec;
    private final long createdMillis;
    private final long expiresAtMillis;
    private final long firstLiveSequence;
    private final int primaryInitId;
    private volatile boolean forcedExpired;

    HlsSession(
            String token,
            StreamState stream,
            HlsSessionSpec spec,
            long createdMillis,
            long firstLiveSequence,
            int primaryInitId) {
        this.token = token;
        this.stream = stream;
        this.spec = spec;
        this.createdMillis = createdMillis;
        this.expiresAtMillis = createdMillis + spec.expiresSeconds() * 1000L;
        this.firstLiveSequence = firstLiveSequence;
        this.primaryInitId = primaryInitId;
    }

    public String token() {
        return token;
    }

    public StreamState stream() {
        return stream;
    }

    public HlsSessionSpec spec() {
        return spec;
    }

    public long createdMillis() {
        return createdMillis;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** The init id the plain init-fragment URL (without InitId) serves. */
    public int primaryInitId() {
        return primaryInitId;
    }

    /** LIVE only: the oldest fragment the session may serve (the head of its first window). */
    long firstLiveSequence() {
        return firstLiveSequence;
    }

    public boolean isExpired(long nowMillis) {
        return forcedExpired || nowMillis >= expiresAtMillis;
    }

    void expireNow() {
        forcedExpired = true;
    }

    /** The timestamp the session selects and labels fragments by. */
    public long timestampOf(FragmentRecord record) {
        return spec.selector() == HLSFragmentSelectorType.PRODUCER_TIMESTAMP
                ? record.producerMillis()
                : record.serverMillis();
    }

    /** Whether the session may serve this fragment. */
    public boolean covers(FragmentRecord record) {
        if (spec.mode() == HLSPlaybackMode.LIVE) {
            return record.sequence() >= firstLiveSequence;
        }
        long ts = timestampOf(record);
        return ts >= spec.startMillis() && (spec.endMillis() == null || ts <= spec.endMillis());
    }
}
