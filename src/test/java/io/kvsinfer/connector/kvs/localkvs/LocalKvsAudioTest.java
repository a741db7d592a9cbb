package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A camera with a microphone: the playlist shape AWS serves for it (audio rendition, codecs, token,
 * init URL, discontinuities) and the tracks inside its fMP4 and MPEG-TS fragments.
 */
class LocalKvsAudioTest {

    private static final int FPS = 15;

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static FragmentedMedia camera;
    private static KvsTestClients clients;
    private static long start;
    private static List<FragmentRecord> records;

    @BeforeAll
    static void archive() {
        camera = SyntheticCamera.encode(320, 240, FPS, 2, 3, true);
        clients = new KvsTestClients(LOCAL_KVS.kvs());
        start = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        records = LOCAL_KVS.kvs().createStream("mic").appendArchived(camera, start, 3);
    }

    @AfterAll
    static void close() {
        clients.close();
    }

    private static Consumer<GetHlsStreamingSessionUrlRequest.Builder> onDemand(String container) {
        return b ->
                b.streamName("mic")
                        .playbackMode("ON_DEMAND")
                        .containerFormat(container)
                        .hlsFragmentSelector(
                                s ->
                                        s.fragmentSelectorType("SERVER_TIMESTAMP")
                                                .timestampRange(
                                                        HLSTimestampRange.builder()
                                                                .startTimestamp(
                                                                        Instant.ofEpochMilli(start))
                                                                .endTimestamp(
                                                                        Instant.ofEpochMilli(
                                                                                start + 10_000))
                                                                .build()));
    }

    @Test
    void mediaCarriesAacBesideTheVideo() {
        assertThat(camera.hasAudio()).isTrue();
        assertThat(camera.audioHlsCodecs()).isEqualTo("mp4a.40.2");
        assertThat(camera.fragmentCount()).isEqualTo(3);
    }

    @Test
    void masterPlaylistNamesTheAudioRenditionAsAwsDoes() {
        String url = clients.sessionUrl(onDemand("FRAGMENTED_MP4"));
        String token = url.substring(url.indexOf("SessionToken=") + "SessionToken=".length());
        assertThat(token).matches("[A-Za-z0-9_-]{140,160}~");
        List<String> lines = List.of(clients.getText(url).split("\n"));
        assertThat(lines)
                .containsExactly(
                        "#EXTM3U",
                        "#EXT-X-VERSION:1",
                        "#EXT-X-MEDIA:AUTOSELECT=YES,FORCED=NO,TYPE=AUDIO,URI=\"getHLSMediaPlaylist.m3u8"
                            + "?SessionToken="
                                + token
                                + "&TrackNumber=2\",GROUP-ID=\"audio\",DEFAULT=NO,NAME=\"audio\"",
                        lines.get(3),
                        "getHLSMediaPlaylist.m3u8?SessionToken=" + token + "&TrackNumber=1");
        assertThat(lines.get(3))
                .startsWith("#EXT-X-STREAM-INF:CODECS=\"" + camera.hlsCodecs() + ",mp4a.40.2\"")
                .endsWith(",AUDIO=\"audio\"");
    }

    @Test
    void mediaPlaylistHasTheRecordedAlwaysShape() {
        String url = clients.sessionUrl(onDemand("FRAGMENTED_MP4"));
        String token = url.substring(url.indexOf("SessionToken=") + "SessionToken=".length());
        String mediaUrl = KvsTestClients.mediaPlaylistUrl(url, clients.getText(url));
        List<String> lines = List.of(clients.getText(mediaUrl).split("\n"));
        assertThat(lines.subList(0, 8))
                .containsExactly(
                        "#EXTM3U",
                        "#EXT-X-VERSION:7",
                        "#EXT-X-PLAYLIST-TYPE:VOD",
                        "#EXT-X-TARGETDURATION:2",
                        "#EXT-X-MEDIA-SEQUENCE:0",
                        "#EXT-X-INDEPENDENT-SEGMENTS",
                        "#EXT-X-DISCONTINUITY",
                        "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken="
                                + token
                                + "&TrackNumber=1&SequenceNumber=0\"");
        // Per fragment: EXTINF, URI, DISCONTINUITY (the last included); then ENDLIST.
        for (int i = 0; i < 3; i++) {
            assertThat(lines.subList(8 + 3 * i, 11 + 3 * i))
                    .containsExactly(
                            "#EXTINF:2.0,",
                            "getMP4MediaFragment.mp4?FragmentNumber="
                                    + records.get(i).fragmentNumber()
                                    + "&SessionToken="
                                    + token
                                    + "&TrackNumber=1",
                            "#EXT-X-DISCONTINUITY");
        }
        assertThat(lines.subList(17, lines.size())).containsExactly("#EXT-X-ENDLIST");
    }

    @Test
    void fmp4ServesOneTrackPerMediaPlaylist() throws Exception {
        String url = clients.sessionUrl(onDemand("FRAGMENTED_MP4"));
        String token = url.substring(url.indexOf("SessionToken=") + "SessionToken=".length());
        String audioUrl = KvsTestClients.resolve(url, mediaUri(clients.getText(url)));
        Playlist audio = new Playlist(clients.getText(audioUrl));
        assertThat(audio.uris())
                .hasSize(3)
                .allSatisfy(u -> assertThat(u).endsWith("&TrackNumber=2"));
        assertThat(audio.values("#EXT-X-MAP:URI="))
                .containsExactly(
                        "\"getMP4InitFragment.mp4?SessionToken="
                                + token
                                + "&TrackNumber=2&SequenceNumber=0\"");
        byte[] audioInit =
                clients.get(
                                KvsTestClients.resolve(
                                        audioUrl,
                                        audio.values("#EXT-X-MAP:URI=").get(0).replace("\"", "")))
                        .body();
        byte[] audioFragment =
                clients.get(KvsTestClients.resolve(audioUrl, audio.uris().get(1))).body();
        Tracks audioTracks = probe("mp4", concat(audioInit, audioFragment));
        assertThat(audioTracks.video).isZero();
        assertThat(audioTracks.audioCodec).isEqualTo(avcodec.AV_CODEC_ID_AAC);
        // About 2 s of 48 kHz audio.
        assertThat(audioTracks.audioSamples).isBetween(90_000L, 100_000L);

        String videoUrl = KvsTestClients.mediaPlaylistUrl(url, clients.getText(url));
        Playlist video = new Playlist(clients.getText(videoUrl));
        byte[] videoInit =
                clients.get(
                                KvsTestClients.resolve(
                                        videoUrl,
                                        video.values("#EXT-X-MAP:URI=").get(0).replace("\"", "")))
                        .body();
        byte[] videoFragment =
                clients.get(KvsTestClients.resolve(videoUrl, video.uris().get(1))).body();
        Tracks videoTracks = probe("mp4", concat(videoInit, videoFragment));
        assertThat(videoTracks.video).isEqualTo(2 * FPS);
        assertThat(videoTracks.audioCodec).isEqualTo(avcodec.AV_CODEC_ID_NONE);
    }

    @Test
    void tsFragmentsCarryBothTracks() throws Exception {
        String url = clients.sessionUrl(onDemand("MPEG_TS"));
        String mediaUrl = KvsTestClients.mediaPlaylistUrl(url, clients.getText(url));
        Playlist playlist = new Playlist(clients.getText(mediaUrl));
        assertThat(playlist.count("#EXT-X-MAP")).isZero();
        assertThat(playlist.count("#EXT-X-DISCONTINUITY")).isEqualTo(4);
        byte[] ts = clients.get(KvsTestClients.resolve(mediaUrl, playlist.uris().get(2))).body();
        Tracks tracks = probe("mpegts", ts);
        assertThat(tracks.video).isEqualTo(2 * FPS);
        assertThat(tracks.audioCodec).isEqualTo(avcodec.AV_CODEC_ID_AAC);
        assertThat(tracks.audioSamples).isBetween(90_000L, 100_000L);
    }

    private static String mediaUri(String master) {
        for (String line : master.split("\n")) {
            if (line.startsWith("#EXT-X-MEDIA:")) {
                int uri = line.indexOf("URI=\"") + 5;
                return line.substring(uri, line.indexOf('"', uri));
            }
        }
        throw new AssertionError("no EXT-X-MEDIA in " + master);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static final class Tracks {
        int video;
        int audioCodec = avcodec.AV_CODEC_ID_NONE;
        long audioSamples;
    }

    private static Tracks probe(String format, byte[] bytes) throws Exception {
        Tracks tracks = new Tracks();
        try (FFmpegFrameGrabber grabber =
                new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), 0)) {
            grabber.setFormat(format);
            grabber.start();
            tracks.audioCodec =
                    grabber.hasAudio() ? grabber.getAudioCodec() : avcodec.AV_CODEC_ID_NONE;
            Frame frame;
            while ((frame = grabber.grab()) != null) {
                if (frame.image != null) {
                    tracks.video++;
                }
                if (frame.samples != null) {
                    tracks.audioSamples += frame.samples[0].limit();
                }
            }
            grabber.stop();
        }
        return tracks;
    }

    /** An HLS player reads the session: FFmpeg's HLS demuxer takes the video and the rendition. */
    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void ffmpegPlaysTheSessionWithAudio(String container) throws Exception {
        String url = clients.sessionUrl(onDemand(container));
        List<ReferenceDecoding.Decoded> frames = ReferenceDecoding.decodeUrl(url, "hls", Map.of());
        assertThat(ReferenceDecoding.indices(frames))
                .isEqualTo(ReferenceDecoding.range(0, 3 * 2 * FPS));
    }
}
