package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;

import javax.annotation.Nullable;

import java.time.Instant;
import java.util.Optional;

/**
 * The fields of a GetHLSStreamingSessionURL call. Fragment timestamps are always displayed: the
 * reader needs each fragment's start time. Discontinuity flags are left to KVS's default.
 */
@Internal
public final class HlsSessionRequest {

    private final PlaybackMode playbackMode;
    private final HLSFragmentSelectorType selector;
    @Nullable private final Instant start;
    @Nullable private final Instant end;
    private final ContainerFormat containerFormat;
    private final int expiresSeconds;
    private final int maxFragmentResults;

    public HlsSessionRequest(
            PlaybackMode playbackMode,
            HLSFragmentSelectorType selector,
            @Nullable Instant start,
            @Nullable Instant end,
            ContainerFormat containerFormat,
            int expiresSeconds,
            int maxFragmentResults) {
        Preconditions.checkArgument(
                expiresSeconds >= 300 && expiresSeconds <= 43_200,
                "Expires must be 300 to 43200 seconds, but was %s",
                expiresSeconds);
        Preconditions.checkArgument(
                maxFragmentResults >= 1 && maxFragmentResults <= 5000,
                "MaxMediaPlaylistFragmentResults must be 1 to 5000, but was %s",
                maxFragmentResults);
        Preconditions.checkArgument(
                playbackMode == PlaybackMode.LIVE || start != null,
                "%s sessions need a start timestamp",
                playbackMode);
        Preconditions.checkArgument(
                playbackMode != PlaybackMode.ON_DEMAND || end != null,
                "ON_DEMAND sessions need an end timestamp");
        this.playbackMode = Preconditions.checkNotNull(playbackMode);
        this.selector = Preconditions.checkNotNull(selector);
        this.start = playbackMode == PlaybackMode.LIVE ? null : start;
        this.end = playbackMode == PlaybackMode.LIVE ? null : end;
        this.containerFormat = Preconditions.checkNotNull(containerFormat);
        this.expiresSeconds = expiresSeconds;
        this.maxFragmentResults = maxFragmentResults;
    }

    public PlaybackMode playbackMode() {
        return playbackMode;
    }

    public HLSFragmentSelectorType selector() {
        return selector;
    }

    public Optional<Instant> start() {
        return Optional.ofNullable(start);
    }

    public Optional<Instant> end() {
        return Optional.ofNullable(end);
    }

    public ContainerFormat containerFormat() {
        return containerFormat;
    }

    public int expiresSeconds() {
        return expiresSeconds;
    }

    public int maxFragmentResults() {
        return maxFragmentResults;
    }

    @Override
    public String toString() {
        return playbackMode
                + (start != null ? " from " + start : "")
                + (end != null ? " to " + end : "")
                + " ("
                + selector
                + ", "
                + containerFormat
                + ")";
    }
}
