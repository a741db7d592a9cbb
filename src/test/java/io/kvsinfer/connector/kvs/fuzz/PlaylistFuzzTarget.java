package io.kvsinfer.connector.kvs.fuzz;

import io.kvsinfer.connector.kvs.hls.HlsFetchException;
import io.kvsinfer.connector.kvs.hls.HlsPlaylistParser;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer target: any bytes as a master and as a media playlist. Bad input must end in an {@link
 * HlsFetchException} that the reader handles; any other exception is a finding.
 */
public final class PlaylistFuzzTarget {

    private static final URI BASE =
            URI.create(
                    "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/getHLSMed"
                            + "iaPlaylist.m3u8?SessionToken=T");

    private PlaylistFuzzTarget() {}

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            HlsPlaylistParser.parseMedia(text, BASE);
        } catch (HlsFetchException expected) {
            // rejected with a reason: fine
        }
        try {
            HlsPlaylistParser.parseMaster(text, BASE);
        } catch (HlsFetchException expected) {
            // rejected with a reason: fine
        }
    }
}
