package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Writes master and media playlists with KVS's tags and relative URL shapes. */
@Internal
final class PlaylistWriter {

    /** Gaps or overlaps above this are a discontinuity in ON_DISCONTINUITY mode. */
    static final long DISCONTINUITY_TOLERANCE_MILLIS = 50;

    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private PlaylistWriter() {}

    static String master(HlsSession session, FragmentedMedia media, long bandwidth) {
        return "#EXTM3U\n"
                + "#EXT-X-VERSION:1\n"
                + "#EXT-X-STREAM-INF:CODECS=\""
                + media.hlsCodecs()
                + "\""
                + ",RESOLUTION="
                + media.width()
                + "x"
                + media.height()
                + ",FRAME-RATE="
                + frameRate(media.frameRate())
                + ",BANDWIDTH="
                + bandwidth
                + "\n"
                + "getHLSMediaPlaylist.m3u8?SessionToken="
                + session.token()
                + "&TrackNumber=1\n";
    }

    private static String frameRate(double fps) {
        BigDecimal rounded =
                BigDecimal.valueOf(fps)
                        .setScale(3, java.math.RoundingMode.HALF_UP)
                        .stripTrailingZeros();
        return rounded.scale() < 1 ? rounded.setScale(1).toPlainString() : rounded.toPlainString();
    }

    static String media(HlsSession session, HlsWindow window) {
        HlsSessionSpec spec = session.spec();
        boolean mp4 = spec.container() == ContainerFormat.FRAGMENTED_MP4;
        long maxDuration = 1;
        for (FragmentRecord r : window.fragments()) {
            maxDuration = Math.max(maxDuration, r.durationMillis());
        }
        StringBuilder out = new StringBuilder(256 + 200 * window.fragments().size());
        out.append("#EXTM3U\n");
        out.append("#EXT-X-VERSION:").append(mp4 ? 7 : 3).append('\n');
        out.append("#EXT-X-TARGETDURATION:").append((maxDuration + 999) / 1000).append('\n');
        if (spec.mode() == HLSPlaybackMode.ON_DEMAND) {
            out.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(window.mediaSequence()).append('\n');
        out.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        FragmentRecord previous = null;
        for (FragmentRecord r : window.fragments()) {
            boolean initChanged = previous != null && previous.initId() != r.initId();
            boolean discontinuity;
            switch (spec.discontinuityMode()) {
                case ALWAYS:
                    discontinuity = true;
                    break;
                case ON_DISCONTINUITY:
                    discontinuity =
                            initChanged
                                    || (previous != null && isGapOrOverlap(session, previous, r));
                    break;
                case NEVER:
                default:
                    // A new init segment cannot be switched to silently, whatever the mode says.
                    discontinuity = initChanged;
            }
            if (discontinuity) {
                out.append("#EXT-X-DISCONTINUITY\n");
            }
            if (mp4 && (previous == null || discontinuity)) {
                out.append("#EXT-X-MAP:URI=\"").append(initUri(session, r.initId())).append("\"\n");
            }
            if (spec.displayTimestamp()) {
                out.append("#EXT-X-PROGRAM-DATE-TIME:")
                        .append(
                                PROGRAM_DATE_TIME.format(
                                        Instant.ofEpochMilli(session.timestampOf(r))))
                        .append('\n');
            }
            out.append("#EXTINF:")
                    .append(BigDecimal.valueOf(r.durationMillis(), 3).toPlainString())
                    .append(",\n");
            out.append(mp4 ? "getMP4MediaFragment.mp4" : "getTSFragment.ts")
                    .append("?FragmentNumber=")
                    .append(r.fragmentNumber())
                    .append("&SessionToken=")
                    .append(session.token())
                    .append("&TrackNumber=1\n");
            previous = r;
        }
        if (window.ended()) {
            out.append("#EXT-X-ENDLIST\n");
        }
        return out.toString();
    }

    private static boolean isGapOrOverlap(
            HlsSession session, FragmentRecord previous, FragmentRecord next) {
        long expected = session.timestampOf(previous) + previous.durationMillis();
        return Math.abs(session.timestampOf(next) - expected) > DISCONTINUITY_TOLERANCE_MILLIS;
    }

    /**
     * The plain URL serves the session's first init segment; others carry their id so URLs differ.
     */
    static String initUri(HlsSession session, int initId) {
        String uri = "getMP4InitFragment.mp4?SessionToken=" + session.token() + "&TrackNumber=1";
        return initId == session.primaryInitId() ? uri : uri + "&InitId=" + initId;
    }
}
