package io.kvsinfer.connector.kvs.fuzz;

import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Seed inputs for the fuzz targets: real fragments as LocalKvs serves them (fMP4 and MPEG-TS H.264
 * from the synthetic camera, fMP4 H.265 from a fixture), and the playlists KVS serves.
 */
final class FuzzSeeds {

    private static final long START = 1_795_500_000_000L;

    private FuzzSeeds() {}

    static Path fragments(Path dir) throws IOException {
        Files.createDirectories(dir);
        FragmentedMedia h264 = SyntheticCamera.encode(160, 120, 15, 1, 2);
        Files.write(
                dir.resolve("h264-fmp4"),
                FragmentFuzzTarget.mp4Input(h264.initSegment(), h264.mp4Fragment(0, START, 1)));
        Files.write(
                dir.resolve("h264-fmp4-second"),
                FragmentFuzzTarget.mp4Input(
                        h264.initSegment(), h264.mp4Fragment(1, START + 1000, 2)));
        Files.write(dir.resolve("h264-ts"), FragmentFuzzTarget.tsInput(h264.tsFragment(0, START)));
        FragmentedMedia h265 =
                FileMedia.load(Path.of("src/test/resources/fixtures/h265-320x240-15fps.mp4"));
        Files.write(
                dir.resolve("h265-fmp4"),
                FragmentFuzzTarget.mp4Input(h265.initSegment(), h265.mp4Fragment(0, START, 1)));
        Files.write(dir.resolve("h265-ts"), FragmentFuzzTarget.tsInput(h265.tsFragment(0, START)));
        return dir;
    }

    static Path playlists(Path dir) throws IOException {
        Files.createDirectories(dir);
        String token = "SessionToken=CiBzZXNzaW9uLXRva2Vu";
        write(
                dir,
                "master",
                "#EXTM3U\n"
                        + "#EXT-X-VERSION:1\n"
                        + "#EXT-X-STREAM-INF:CODECS=\"avc1.42c032\",RESOLUTION=1920x1080,FRAME-RATE"
                        + "=30.0,BANDWIDTH=4000000\n"
                        + "getHLSMediaPlaylist.m3u8?"
                        + token
                        + "&TrackNumber=1\n");
        write(
                dir,
                "master-audio",
                "#EXTM3U\n"
                    + "#EXT-X-VERSION:1\n"
                    + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio\",URI=\"getHLSMediaPlaylist.m3u8?"
                        + token
                        + "&TrackNumber=2\"\n"
                        + "#EXT-X-STREAM-INF:CODECS=\"avc1.42c032,mp4a.40.2\",RESOLUTION=1280x7"
                        + "20,AUDIO=\"audio\",BANDWIDTH=2000000\n"
                        + "getHLSMediaPlaylist.m3u8?"
                        + token
                        + "&TrackNumber=1\n");
        String fragments =
                "#EXT-X-PROGRAM-DATE-TIME:2022-01-28T07:00:35.931Z\n"
                    + "#EXTINF:1.857,\n"
                    + "getMP4MediaFragment.mp4?FragmentNumber=91343852333185057105875891022195998207386831087&"
                        + token
                        + "&TrackNumber=1\n"
                        + "#EXT-X-PROGRAM-DATE-TIME:2022-01-28T07:00:37.787Z\n"
                        + "#EXTINF:1.857,\n"
                        + "getMP4MediaFragment.mp4?FragmentNumber=91343852333185057110827651179337519666762451998&"
                        + token
                        + "&TrackNumber=1\n";
        String header =
                "#EXTM3U\n"
                        + "#EXT-X-VERSION:7\n"
                        + "#EXT-X-TARGETDURATION:2\n"
                        + "#EXT-X-MEDIA-SEQUENCE:1\n"
                        + "#EXT-X-INDEPENDENT-SEGMENTS\n";
        String map = "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?" + token + "&TrackNumber=1\"\n";
        write(dir, "live", header + map + fragments);
        write(
                dir,
                "on-demand",
                header.replace("#EXT-X-INDEPENDENT", "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT")
                        + map
                        + fragments
                        + "#EXT-X-ENDLIST\n");
        write(
                dir,
                "discontinuity",
                header
                        + "#EXT-X-DISCONTINUITY\n"
                        + map
                        + fragments.replace(
                                "#EXT-X-PROGRAM", "#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM"));
        write(dir, "ts", header + fragments.replace("getMP4MediaFragment.mp4", "getTSFragment.ts"));
        // AWS's recorded shapes (made-up tokens): audio rendition, ALWAYS mode, SequenceNumber=0.
        for (String fixture :
                new String[] {
                    "real-master-with-audio", "real-media-always", "real-media-always-ts"
                }) {
            try (java.io.InputStream in =
                    FuzzSeeds.class.getResourceAsStream("/hls/" + fixture + ".m3u8")) {
                if (in == null) {
                    throw new IOException("missing fixture /hls/" + fixture + ".m3u8");
                }
                write(dir, fixture, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return dir;
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
