package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.List;

/** A parsed HLS media playlist. */
@Internal
public final class MediaPlaylist {

    private final long targetDurationSeconds;
    private final long mediaSequence;
    private final boolean endList;
    @Nullable private final String playlistType;
    private final List<HlsSegment> segments;

    public MediaPlaylist(
            long targetDurationSeconds,
            long mediaSequence,
            boolean endList,
            @Nullable String playlistType,
            List<HlsSegment> segments) {
        this.targetDurationSeconds = targetDurationSeconds;
        this.mediaSequence = mediaSequence;
        this.endList = endList;
        this.playlistType = playlistType;
        this.segments = List.copyOf(segments);
    }

    public long targetDurationSeconds() {
        return targetDurationSeconds;
    }

    public long mediaSequence() {
        return mediaSequence;
    }

    /** True when the playlist is complete ({@code #EXT-X-ENDLIST}): on-demand sessions. */
    public boolean endList() {
        return endList;
    }

    /** {@code VOD}, {@code EVENT} or null. */
    @Nullable
    public String playlistType() {
        return playlistType;
    }

    public List<HlsSegment> segments() {
        return segments;
    }
}
