package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.net.URI;

/** One fragment listed in a media playlist. */
@Internal
public final class HlsSegment {

    private final URI uri;
    private final String fragmentNumber;
    private final long durationMillis;
    private final long programDateTimeMillis;
    private final boolean discontinuity;
    @Nullable private final URI initSegmentUri;
    private final long mediaSequence;

    public HlsSegment(
            URI uri,
            String fragmentNumber,
            long durationMillis,
            long programDateTimeMillis,
            boolean discontinuity,
            @Nullable URI initSegmentUri,
            long mediaSequence) {
        this.uri = uri;
        this.fragmentNumber = fragmentNumber;
        this.durationMillis = durationMillis;
        this.programDateTimeMillis = programDateTimeMillis;
        this.discontinuity = discontinuity;
        this.initSegmentUri = initSegmentUri;
        this.mediaSequence = mediaSequence;
    }

    /** Absolute URL of the fragment (carries the session token: redact before printing). */
    public URI uri() {
        return uri;
    }

    /** KVS's opaque fragment number (up to about 48 digits), never parsed as a number. */
    public String fragmentNumber() {
        return fragmentNumber;
    }

    public long durationMillis() {
        return durationMillis;
    }

    /** Start time from {@code #EXT-X-PROGRAM-DATE-TIME} in epoch milliseconds, or -1 if absent. */
    public long programDateTimeMillis() {
        return programDateTimeMillis;
    }

    public boolean discontinuity() {
        return discontinuity;
    }

    /** The init segment in force for this fragment ({@code #EXT-X-MAP}), or null (MPEG-TS). */
    @Nullable
    public URI initSegmentUri() {
        return initSegmentUri;
    }

    public long mediaSequence() {
        return mediaSequence;
    }

    @Override
    public String toString() {
        return "fragment "
                + fragmentNumber
                + " @"
                + programDateTimeMillis
                + " ("
                + durationMillis
                + " ms)";
    }
}
