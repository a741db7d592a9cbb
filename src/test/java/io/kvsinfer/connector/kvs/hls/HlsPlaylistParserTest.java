package io.kvsinfer.connector.kvs.hls;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HlsPlaylistParserTest {

    private static final String TOKEN = "AQoDYXdzEJr-secret-token";
    private static final URI BASE =
            URI.create(
                    "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/getHLSMas"
                            + "terPlaylist.m3u8?SessionToken="
                            + TOKEN);
    private static final URI MEDIA =
            URI.create(
                    "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/getHLSMed"
                            + "iaPlaylist.m3u8?SessionToken="
                            + TOKEN
                            + "&TrackNumber=1");

    @Test
    void parsesTheMasterPlaylistOfKvs() {
        String master =
                "#EXTM3U\n"
                        + "#EXT-X-VERSION:1\n"
                        + "#EXT-X-STREAM-INF:CODECS=\"avc1.42c032\",RESOLUTION=1920x1080,FRAME-RATE"
                        + "=30.0,BANDWIDTH=4000000\n"
                        + "getHLSMediaPlaylist.m3u8?SessionToken="
                        + TOKEN
                        + "&TrackNumber=1\n";
        MasterPlaylist playlist = HlsPlaylistParser.parseMaster(master, BASE);
        assertThat(playlist.mediaPlaylistUri()).isEqualTo(MEDIA);
        assertThat(playlist.codecs()).isEqualTo("avc1.42c032");
    }

    @Test
    void parsesTheLiveMediaPlaylistOfKvs() {
        String media =
                "#EXTM3U\r\n"
                        + "#EXT-X-VERSION:7\r\n"
                        + "#EXT-X-TARGETDURATION:2\r\n"
                        + "#EXT-X-MEDIA-SEQUENCE:1\r\n"
                        + "#EXT-X-INDEPENDENT-SEGMENTS\r\n"
                        + "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken="
                        + TOKEN
                        + "&TrackNumber=1\"\r\n"
                        + "#EXT-X-PROGRAM-DATE-TIME:2022-01-28T07:00:35.931Z\r\n"
                        + "#EXTINF:1.857,\r\n"
                        + "getMP4MediaFragment.mp4?FragmentNumber=91343852333185057105875891022"
                        + "195998207386831087&SessionToken="
                        + TOKEN
                        + "&TrackNumber=1\r\n"
                        + "#EXT-X-PROGRAM-DATE-TIME:2022-01-28T07:00:37.787Z\r\n"
                        + "#EXTINF:1.857,\r\n"
                        + "getMP4MediaFragment.mp4?FragmentNumber=91343852333185057110827651179"
                        + "337519666762451998&SessionToken="
                        + TOKEN
                        + "&TrackNumber=1\r\n";
        MediaPlaylist playlist = HlsPlaylistParser.parseMedia(media, MEDIA);
        assertThat(playlist.endList()).isFalse();
        assertThat(playlist.targetDurationSeconds()).isEqualTo(2);
        assertThat(playlist.segments()).hasSize(2);
        HlsSegment first = playlist.segments().get(0);
        assertThat(first.fragmentNumber())
                .isEqualTo("91343852333185057105875891022195998207386831087");
        assertThat(first.programDateTimeMillis())
                .isEqualTo(Instant.parse("2022-01-28T07:00:35.931Z").toEpochMilli());
        assertThat(first.durationMillis()).isEqualTo(1857);
        assertThat(first.mediaSequence()).isEqualTo(1);
        assertThat(first.initSegmentUri().toString())
                .endsWith(
                        "/hls/v1/getMP4InitFragment.mp4?SessionToken=" + TOKEN + "&TrackNumber=1");
        assertThat(first.uri().getPath()).isEqualTo("/hls/v1/getMP4MediaFragment.mp4");
        assertThat(playlist.segments().get(1).mediaSequence()).isEqualTo(2);
    }

    @Test
    void parsesOnDemandTsPlaylistsAndChangedMaps() {
        String vod =
                "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:3\n"
                        + "#EXT-X-PROGRAM-DATE-TIME:2026-11-23T12:00:00.000+00:00\n#EXTINF:2.000,\n"
                        + "getTSFragment.ts?FragmentNumber=1&SessionToken=T&TrackNumber=1\n"
                        + "#EXT-X-ENDLIST\n";
        MediaPlaylist playlist = HlsPlaylistParser.parseMedia(vod, MEDIA);
        assertThat(playlist.endList()).isTrue();
        assertThat(playlist.playlistType()).isEqualTo("VOD");
        assertThat(playlist.segments().get(0).initSegmentUri()).isNull();
        assertThat(playlist.segments().get(0).programDateTimeMillis())
                .isEqualTo(Instant.parse("2026-11-23T12:00:00Z").toEpochMilli());

        String changed =
                "#EXTM3U\n"
                    + "#EXT-X-DISCONTINUITY\n"
                    + "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=T&TrackNumber=1&InitId=0\"\n"
                    + "#EXTINF:2.0,\n"
                    + "getMP4MediaFragment.mp4?FragmentNumber=1&SessionToken=T\n"
                    + "#EXT-X-DISCONTINUITY\n"
                    + "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=T&TrackNumber=1&InitId=1\"\n"
                    + "#EXTINF:2.0,\n"
                    + "getMP4MediaFragment.mp4?FragmentNumber=2&SessionToken=T\n";
        MediaPlaylist both = HlsPlaylistParser.parseMedia(changed, MEDIA);
        assertThat(both.segments().get(0).initSegmentUri())
                .isNotEqualTo(both.segments().get(1).initSegmentUri());
        assertThat(both.segments().get(1).discontinuity()).isTrue();
        assertThat(both.segments().get(1).programDateTimeMillis()).isEqualTo(-1);
    }

    @Test
    void rejectsHostilePlaylistsWithoutLeakingTheToken() {
        assertThatThrownBy(() -> HlsPlaylistParser.parseMedia("<html>nope</html>", MEDIA))
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("no #EXTM3U");
        assertThatThrownBy(
                        () -> HlsPlaylistParser.parseMedia("#EXTM3U\n" + "x".repeat(10_000), MEDIA))
                .hasMessageContaining("line 2")
                .hasMessageContaining("10000 characters");
        assertThatThrownBy(
                        () -> HlsPlaylistParser.parseMedia("#EXTM3U\n#EXTINF:abc,\nf.mp4\n", MEDIA))
                .hasMessageContaining("'abc' is not a number");
        assertThatThrownBy(
                        () -> HlsPlaylistParser.parseMedia("#EXTM3U\n#EXTINF:-1,\nf.mp4\n", MEDIA))
                .hasMessageContaining("allowed 0 to 86400");
        assertThatThrownBy(() -> HlsPlaylistParser.parseMedia("#EXTM3U\nf.mp4\n", MEDIA))
                .hasMessageContaining("without a preceding #EXTINF");
        assertThatThrownBy(
                        () ->
                                HlsPlaylistParser.parseMedia(
                                        "#EXTM3U\n#EXT-X-TARGETDURATION:two\n", MEDIA))
                .hasMessageContaining("line 2")
                .hasMessageContaining(
                        "#EXT-X-TARGETDURATION 'two' is not a decimal integer from 0 to "
                                + Long.MAX_VALUE);
        assertThatThrownBy(
                        () ->
                                HlsPlaylistParser.parseMedia(
                                        "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-4\n", MEDIA))
                .hasMessageContaining("#EXT-X-MEDIA-SEQUENCE '-4' is not a decimal integer");
        assertThatThrownBy(
                        () ->
                                HlsPlaylistParser.parseMedia(
                                        "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:yesterday\n", MEDIA))
                .hasMessageContaining("'yesterday' is not an ISO-8601");
        assertThatThrownBy(
                        () ->
                                HlsPlaylistParser.parseMedia(
                                        "#EXTM3U\n"
                                                + "#EXTINF:1,\n"
                                                + "http://169.254.169.254/latest/meta-data\n",
                                        MEDIA))
                .hasMessageContaining("another server");
        assertThatThrownBy(
                        () ->
                                HlsPlaylistParser.parseMedia(
                                        "#EXTM3U\n#EXTINF:1,\nhttp://[bad\n", MEDIA))
                .hasMessageContaining("malformed URI");
        StringBuilder huge = new StringBuilder("#EXTM3U\n");
        for (int i = 0; i <= HlsPlaylistParser.MAX_SEGMENTS; i++) {
            huge.append("#EXTINF:1,\nf").append(i).append(".ts\n");
        }
        assertThatThrownBy(() -> HlsPlaylistParser.parseMedia(huge.toString(), MEDIA))
                .hasMessageContaining("more than 10000 segments")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        assertThatThrownBy(() -> HlsPlaylistParser.parseMaster("#EXTM3U\n#EXT-X-VERSION:1\n", BASE))
                .hasMessageContaining("lists no media playlist")
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .doesNotContain(TOKEN)
                                        .contains("SessionToken=***"));
    }

    @Test
    void attributeListsWithQuotedCommas() {
        assertThat(
                        HlsPlaylistParser.attribute(
                                "CODECS=\"avc1.4d401f,mp4a.40.2\",BANDWIDTH=1", "BANDWIDTH"))
                .isEqualTo("1");
        assertThat(
                        HlsPlaylistParser.attribute(
                                "CODECS=\"avc1.4d401f,mp4a.40.2\",BANDWIDTH=1", "CODECS"))
                .isEqualTo("avc1.4d401f,mp4a.40.2");
        assertThat(HlsPlaylistParser.attribute("URI=\"unterminated", "URI")).isNull();
    }

    /** A fixture under src/test/resources/hls, in the shape recorded from AWS (made-up tokens). */
    private static String fixture(String name) throws IOException {
        try (InputStream in = HlsPlaylistParserTest.class.getResourceAsStream("/hls/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The session token a fixture uses, read from its first URL. */
    private static String tokenOf(String playlist) {
        Matcher m = Pattern.compile("SessionToken=([^&\"]+)").matcher(playlist);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void realMasterWithAudioSelectsTheVideoVariant() throws IOException {
        String text = fixture("real-master-with-audio.m3u8");
        String token = tokenOf(text);
        assertThat(token).hasSizeBetween(140, 160).endsWith("~");
        URI base =
                URI.create(
                        "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/"
                                + "getHLSMasterPlaylist.m3u8?SessionToken="
                                + token);
        MasterPlaylist master = HlsPlaylistParser.parseMaster(text, base);
        assertThat(master.mediaPlaylistUri().toString())
                .isEqualTo(
                        "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/"
                                + "getHLSMediaPlaylist.m3u8?SessionToken="
                                + token
                                + "&TrackNumber=1");
        assertThat(master.codecs()).isEqualTo("avc1.42c032,mp4a.40.2");
        assertThat(master.videoCodecs()).isEqualTo("avc1.42c032");
        assertThat(master.hasAudio()).isTrue();
        assertThat(master.audioPlaylistUri().toString()).endsWith("&TrackNumber=2");
        // The token is a plain query value: '~' needs no escaping and survives resolution.
        assertThat(HlsPlaylistParser.queryParameter(master.mediaPlaylistUri(), "SessionToken"))
                .isEqualTo(token);
    }

    @Test
    void masterWithoutAudioHasNoAudioRendition() {
        MasterPlaylist master =
                HlsPlaylistParser.parseMaster(
                        "#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"hvc1.1.6.L93.B0\",BANDWIDTH=1\n"
                                + "getHLSMediaPlaylist.m3u8?SessionToken=T~&TrackNumber=1\n",
                        BASE);
        assertThat(master.hasAudio()).isFalse();
        assertThat(master.audioPlaylistUri()).isNull();
        assertThat(master.videoCodecs()).isEqualTo("hvc1.1.6.L93.B0");
    }

    @Test
    void realAlwaysModeMediaPlaylistWithTrailingDiscontinuity() throws IOException {
        String text = fixture("real-media-always.m3u8");
        String token = tokenOf(text);
        URI media =
                URI.create(
                        "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/"
                                + "getHLSMediaPlaylist.m3u8?SessionToken="
                                + token
                                + "&TrackNumber=1");
        MediaPlaylist playlist = HlsPlaylistParser.parseMedia(text, media);
        assertThat(playlist.endList()).isTrue();
        assertThat(playlist.playlistType()).isEqualTo("VOD");
        assertThat(playlist.targetDurationSeconds()).isEqualTo(3);
        assertThat(playlist.mediaSequence()).isZero();
        assertThat(playlist.segments()).hasSize(3);
        assertThat(playlist.segments())
                .extracting(HlsSegment::mediaSequence)
                .containsExactly(0L, 1L, 2L);
        assertThat(playlist.segments())
                .extracting(HlsSegment::durationMillis)
                .containsExactly(2663L, 2680L, 2667L);
        // ALWAYS: every fragment follows a discontinuity; the one map at the top covers them all.
        assertThat(playlist.segments()).allSatisfy(s -> assertThat(s.discontinuity()).isTrue());
        assertThat(playlist.segments())
                .extracting(s -> s.initSegmentUri().toString())
                .containsOnly(
                        "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/"
                                + "getMP4InitFragment.mp4?SessionToken="
                                + token
                                + "&TrackNumber=1&SequenceNumber=0");
        assertThat(playlist.segments().get(0).fragmentNumber())
                .isEqualTo("91343852333181432392682062601587305727618396102");
        assertThat(playlist.segments().get(1).programDateTimeMillis())
                .isEqualTo(Instant.parse("2023-05-17T13:48:38.656Z").toEpochMilli());
    }

    @Test
    void realAlwaysModeTsPlaylist() throws IOException {
        String text = fixture("real-media-always-ts.m3u8");
        URI media =
                URI.create(
                        "https://b-1234abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/"
                                + "getHLSMediaPlaylist.m3u8?SessionToken="
                                + tokenOf(text)
                                + "&TrackNumber=1");
        MediaPlaylist playlist = HlsPlaylistParser.parseMedia(text, media);
        assertThat(playlist.endList()).isFalse();
        assertThat(playlist.segments()).hasSize(3);
        assertThat(playlist.segments()).allSatisfy(s -> assertThat(s.initSegmentUri()).isNull());
        assertThat(playlist.segments().get(2).uri().getPath())
                .isEqualTo("/hls/v1/getTSFragment.ts");
        assertThat(playlist.segments().get(2).fragmentNumber())
                .isEqualTo("91343852333181432402585582915870316186513781627");
    }
}
