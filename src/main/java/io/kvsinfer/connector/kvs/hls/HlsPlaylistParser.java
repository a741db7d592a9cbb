package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses the HLS playlists KVS serves. Tolerant of what does not matter (unknown tags, CRLF, blank
 * lines), strict about what does (every segment needs a duration; URIs must stay on the playlist's
 * own host), and bounded: a hostile playlist cannot make it hold more than {@link #MAX_SEGMENTS}
 * segments or lines longer than {@link #MAX_LINE_LENGTH}.
 */
@Internal
public final class HlsPlaylistParser {

    public static final int MAX_SEGMENTS = 10_000;
    public static final int MAX_LINE_LENGTH = 8_192;

    private HlsPlaylistParser() {}

    /**
     * Parses a master playlist. The video is the first variant ({@code #EXT-X-STREAM-INF} and the
     * URI after it); a stream with audio also lists an audio rendition ({@code
     * #EXT-X-MEDIA:TYPE=AUDIO,...,URI="...TrackNumber=2"}, attributes in any order), which is kept
     * apart and never taken for the video.
     */
    public static MasterPlaylist parseMaster(String text, URI playlistUri) {
        String[] lines = lines(text, playlistUri);
        String codecs = null;
        boolean inVariant = false;
        URI audio = null;
        URI video = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.startsWith("#EXT-X-MEDIA:")) {
                String attributes = line.substring("#EXT-X-MEDIA:".length());
                String uri = attribute(attributes, "URI");
                if (audio == null && "AUDIO".equals(attribute(attributes, "TYPE")) && uri != null) {
                    audio = resolve(playlistUri, uri, i + 1);
                }
            } else if (line.startsWith("#EXT-X-STREAM-INF:")) {
                if (video == null) {
                    inVariant = true;
                    codecs = attribute(line.substring("#EXT-X-STREAM-INF:".length()), "CODECS");
                }
            } else if (inVariant && !line.isEmpty() && !line.startsWith("#")) {
                video = resolve(playlistUri, line, i + 1);
                inVariant = false;
            }
        }
        if (video != null) {
            return new MasterPlaylist(video, codecs == null ? "" : codecs, audio);
        }
        throw new HlsFetchException(
                "Master playlist "
                        + SessionTokenRedactor.redact(playlistUri)
                        + " lists no media playlist (#EXT-X-STREAM-INF followed by a URI)");
    }

    public static MediaPlaylist parseMedia(String text, URI playlistUri) {
        String[] lines = lines(text, playlistUri);
        long targetDuration = -1;
        long mediaSequence = 0;
        boolean endList = false;
        String playlistType = null;
        List<HlsSegment> segments = new ArrayList<>();
        URI map = null;
        long pendingDuration = -1;
        long pendingDateTime = -1;
        boolean pendingDiscontinuity = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].trim();
            int lineNumber = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#EXTINF:")) {
                pendingDuration = durationMillis(line.substring(8), playlistUri, lineNumber);
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pendingDateTime = dateTimeMillis(line.substring(25), playlistUri, lineNumber);
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                pendingDiscontinuity = true;
            } else if (line.startsWith("#EXT-X-MAP:")) {
                String uri = attribute(line.substring(11), "URI");
                if (uri == null) {
                    throw bad(playlistUri, lineNumber, "#EXT-X-MAP without URI");
                }
                map = resolve(playlistUri, uri, lineNumber);
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                targetDuration =
                        number(
                                "#EXT-X-TARGETDURATION",
                                line.substring(22),
                                playlistUri,
                                lineNumber);
            } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                mediaSequence =
                        number(
                                "#EXT-X-MEDIA-SEQUENCE",
                                line.substring(22),
                                playlistUri,
                                lineNumber);
            } else if (line.startsWith("#EXT-X-PLAYLIST-TYPE:")) {
                playlistType = line.substring(21);
            } else if (line.equals("#EXT-X-ENDLIST")) {
                endList = true;
            } else if (!line.startsWith("#")) {
                if (pendingDuration < 0) {
                    throw bad(playlistUri, lineNumber, "segment URI without a preceding #EXTINF");
                }
                if (segments.size() >= MAX_SEGMENTS) {
                    throw bad(playlistUri, lineNumber, "more than " + MAX_SEGMENTS + " segments");
                }
                URI uri = resolve(playlistUri, line, lineNumber);
                long sequence = mediaSequence + segments.size();
                String number =
                        Objects.requireNonNullElse(
                                queryParameter(uri, "FragmentNumber"), Long.toString(sequence));
                segments.add(
                        new HlsSegment(
                                uri,
                                number,
                                pendingDuration,
                                pendingDateTime,
                                pendingDiscontinuity,
                                map,
                                sequence));
                pendingDuration = -1;
                pendingDateTime = -1;
                pendingDiscontinuity = false;
            }
        }
        return new MediaPlaylist(targetDuration, mediaSequence, endList, playlistType, segments);
    }

    private static String[] lines(String text, URI playlistUri) {
        if (text == null || !text.startsWith("#EXTM3U")) {
            throw new HlsFetchException(
                    "Not an HLS playlist (no #EXTM3U header): "
                            + SessionTokenRedactor.redact(playlistUri));
        }
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].length() > MAX_LINE_LENGTH) {
                throw bad(
                        playlistUri,
                        i + 1,
                        "line of "
                                + lines[i].length()
                                + " characters (at most "
                                + MAX_LINE_LENGTH
                                + ")");
            }
        }
        return lines;
    }

    private static long durationMillis(String value, URI playlistUri, int lineNumber) {
        int comma = value.indexOf(',');
        String seconds = (comma >= 0 ? value.substring(0, comma) : value).trim();
        try {
            BigDecimal millis =
                    new BigDecimal(seconds).movePointRight(3).setScale(0, RoundingMode.HALF_UP);
            if (millis.signum() < 0 || millis.compareTo(BigDecimal.valueOf(86_400_000L)) > 0) {
                throw bad(
                        playlistUri,
                        lineNumber,
                        "#EXTINF duration " + seconds + " s (allowed 0 to 86400)");
            }
            return millis.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(
                    playlistUri,
                    lineNumber,
                    "#EXTINF duration '" + abbreviate(seconds) + "' is not a number");
        }
    }

    private static long dateTimeMillis(String value, URI playlistUri, int lineNumber) {
        try {
            return OffsetDateTime.parse(value.trim()).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw bad(
                    playlistUri,
                    lineNumber,
                    "#EXT-X-PROGRAM-DATE-TIME '"
                            + abbreviate(value)
                            + "' is not an ISO-8601 date-time");
        }
    }

    /** An HLS decimal-integer (RFC 8216: 0 and up) as the value of {@code tag}. */
    private static long number(String tag, String value, URI playlistUri, int lineNumber) {
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 0) {
            throw bad(
                    playlistUri,
                    lineNumber,
                    tag
                            + " '"
                            + abbreviate(value)
                            + "' is not a decimal integer from 0 to "
                            + Long.MAX_VALUE);
        }
        return number;
    }

    /** The value of {@code name} in an HLS attribute list, unquoted; null if absent. */
    static String attribute(String attributes, String name) {
        int i = 0;
        while (i < attributes.length()) {
            int eq = attributes.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String key = attributes.substring(i, eq).trim();
            int end;
            String value;
            if (eq + 1 < attributes.length() && attributes.charAt(eq + 1) == '"') {
                int close = attributes.indexOf('"', eq + 2);
                if (close < 0) {
                    return null;
                }
                value = attributes.substring(eq + 2, close);
                end = attributes.indexOf(',', close);
            } else {
                end = attributes.indexOf(',', eq);
                value = attributes.substring(eq + 1, end < 0 ? attributes.length() : end);
            }
            if (key.equals(name)) {
                return value;
            }
            if (end < 0) {
                return null;
            }
            i = end + 1;
        }
        return null;
    }

    private static URI resolve(URI playlistUri, String reference, int lineNumber) {
        URI resolved;
        try {
            resolved = playlistUri.resolve(new URI(reference));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw bad(
                    playlistUri,
                    lineNumber,
                    "malformed URI '" + abbreviate(SessionTokenRedactor.redact(reference)) + "'");
        }
        // A playlist may only point at its own server: never let a response steer requests
        // elsewhere.
        if (!Objects.equals(resolved.getScheme(), playlistUri.getScheme())
                || !Objects.equals(resolved.getHost(), playlistUri.getHost())
                || resolved.getPort() != playlistUri.getPort()) {
            throw bad(
                    playlistUri,
                    lineNumber,
                    "URI points to another server: "
                            + abbreviate(SessionTokenRedactor.redact(resolved)));
        }
        return resolved;
    }

    static String queryParameter(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }

    private static HlsFetchException bad(URI playlistUri, int lineNumber, String what) {
        return new HlsFetchException(
                "Bad HLS playlist "
                        + SessionTokenRedactor.redact(playlistUri)
                        + " at line "
                        + lineNumber
                        + ": "
                        + what);
    }
}
