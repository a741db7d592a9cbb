package io.kvsinfer.connector.kvs.bench.micro;

import io.kvsinfer.connector.kvs.hls.HlsPlaylistParser;
import io.kvsinfer.connector.kvs.hls.MediaPlaylist;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Parsing a KVS media playlist: a live one (5 fragments, polled every second or faster) and a long
 * ON_DEMAND one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlaylistParsingJmh {

    private static final URI BASE =
            URI.create(
                    "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/getHLSMediaPlaylist.m3u8");

    @Param({"5", "1000"})
    public int fragments;

    private String playlist;

    @Setup
    public void writePlaylist() {
        StringBuilder text =
                new StringBuilder(
                        "#EXTM3U\n"
                                + "#EXT-X-VERSION:7\n"
                                + "#EXT-X-TARGETDURATION:2\n"
                                + "#EXT-X-MEDIA-SEQUENCE:1\n"
                                + "#EXT-X-INDEPENDENT-SEGMENTS\n"
                                + "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=CiBzZXNzaW9"
                                + "uLXRva2Vu&TrackNumber=1\"\n");
        Instant at = Instant.parse("2026-11-24T07:00:00.000Z");
        for (int i = 0; i < fragments; i++) {
            text.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(at)
                    .append("\n#EXTINF:2.000,\n")
                    .append(
                            "getMP4MediaFragment.mp4?FragmentNumber=9134385233318505710587589102219599820738683")
                    .append(String.format("%04d", i))
                    .append("&SessionToken=CiBzZXNzaW9uLXRva2Vu&TrackNumber=1\n");
            at = at.plusSeconds(2);
        }
        if (fragments > 5) {
            text.append("#EXT-X-ENDLIST\n");
        }
        playlist = text.toString();
    }

    @Benchmark
    public MediaPlaylist parseMediaPlaylist() {
        return HlsPlaylistParser.parseMedia(playlist, BASE);
    }
}
