package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDiscontinuityMode;
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

    /**
     * The master playlist. With an audio track it lists the audio rendition (track 2) before the
     * variant, with the attributes in the order AWS writes them, and names both codecs.
     */
    static String master(HlsSession session, FragmentedMedia media, long bandwidth) {
        String audio = "";
        String codecs = media.hlsCodecs();
        if (media.hasAudio()) {
            audio =
                    "#EXT-X-MEDIA:AUTOSELECT=YES,FORCED=NO,TYPE=AUDIO,URI=\""
                            + "getHLSMediaPlaylist.m3u8?SessionToken="
                            + session.token()
                            + "&TrackNumber=2\",GROUP-ID=\"audio\",DEFAULT=NO,NAME=\"audio\"\n";
            codecs = codecs + "," + media.audioHlsCodecs();
        }
        return "#EXTM3U\n"
                + "#EXT-X-VERSION:1\n"
                + audio
                + "#EXT-X-STREAM-INF:CODECS=\""
                + codecs
                + "\""
                + ",RESOLUTION="
                + media.width()
                + "x"
                + media.height()
                + ",FRAME-RATE="
                + frameRate(media.frameRate())
                + ",BANDWIDTH="
                + bandwidth
                + (media.hasAudio() ? ",AUDIO=\"audio\"" : "")
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

    /**
     * The media playlist of {@code track} (1 video, 2 audio): AWS's tag order ({@code
     * PLAYLIST-TYPE} before {@code TARGETDURATION}), durations with up to three decimals and no
     * trailing zeros. In ALWAYS mode, as AWS records show, one {@code EXT-X-MAP} at the top after a
     * discontinuity and a discontinuity after every fragment, the last included; a changed init
     * segment gets its own {@code EXT-X-MAP}.
     */
    static String media(HlsSession session, HlsWindow window, int track) {
        HlsSessionSpec spec = session.spec();
        boolean mp4 = spec.container() == ContainerFormat.FRAGMENTED_MP4;
        boolean always = spec.discontinuityMode() == HLSDiscontinuityMode.ALWAYS;
        long maxDuration = 1;
        for (FragmentRecord r : window.fragments()) {
            maxDuration = Math.max(maxDuration, r.durationMillis());
        }
        StringBuilder out = new StringBuilder(256 + 300 * window.fragments().size());
        out.append("#EXTM3U\n");
        out.append("#EXT-X-VERSION:").append(mp4 ? 7 : 3).append('\n');
        if (spec.mode() == HLSPlaybackMode.ON_DEMAND) {
            out.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
        out.append("#EXT-X-TARGETDURATION:").append((maxDuration + 999) / 1000).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(window.mediaSequence()).append('\n');
        out.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        FragmentRecord previous = null;
        for (FragmentRecord r : window.fragments()) {
            boolean initChanged = previous != null && previous.initId() != r.initId();
            boolean discontinuity;
            switch (spec.discontinuityMode()) {
                case ALWAYS:
                    // Written after the previous fragment; only the first needs one here.
                    discontinuity = previous == null;
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
            boolean map =
                    always ? previous == null || initChanged : previous == null || discontinuity;
            if (mp4 && map) {
                out.append("#EXT-X-MAP:URI=\"")
                        .append(initUri(session, r.initId(), track))
                        .append("\"\n");
            }
            if (spec.displayTimestamp()) {
                out.append("#EXT-X-PROGRAM-DATE-TIME:")
                        .append(
                                PROGRAM_DATE_TIME.format(
                                        Instant.ofEpochMilli(session.timestampOf(r))))
                        .append('\n');
            }
            out.append("#EXTINF:").append(seconds(r.durationMillis())).append(",\n");
            out.append(mp4 ? "getMP4MediaFragment.mp4" : "getTSFragment.ts")
                    .append("?FragmentNumber=")
                    .append(r.fragmentNumber())
                    .append("&SessionToken=")
                    .append(session.token())
                    .append("&TrackNumber=")
                    .append(track)
                    .append('\n');
            if (always) {
                out.append("#EXT-X-DISCONTINUITY\n");
            }
            previous = r;
        }
        if (window.ended()) {
            out.append("#EXT-X-ENDLIST\n");
        }
        return out.toString();
    }

    /** Milliseconds as seconds with up to three decimals and at least one: 2.68, 1.857, 2.0. */
    static String seconds(long millis) {
        BigDecimal value = BigDecimal.valueOf(millis, 3).stripTrailingZeros();
        return value.scale() < 1 ? value.setScale(1).toPlainString() : value.toPlainString();
    }

    private static boolean isGapOrOverlap(
            HlsSession session, FragmentRecord previous, FragmentRecord next) {
        long expected = session.timestampOf(previous) + previous.durationMillis();
        return Math.abs(session.timestampOf(next) - expected) > DISCONTINUITY_TOLERANCE_MILLIS;
    }

    /**
     * The plain URL (with {@code SequenceNumber=0}, as on AWS) serves the session's first init
     * segment; others carry their id so URLs differ.
     */
    static String initUri(HlsSession session, int initId, int track) {
        String uri =
                "getMP4InitFragment.mp4?SessionToken="
                        + session.token()
                        + "&TrackNumber="
                        + track
                        + "&SequenceNumber=0";
        return initId == session.primaryInitId() ? uri : uri + "&InitId=" + initId;
    }
}
