package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding.Decoded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LocalKvs HLS is real, decodable video: session URLs come from the real AWS SDK v2, playlists,
 * init segments and fragments are fetched over HTTP, every fragment is decoded from memory with
 * JavaCV (FFmpeg) and every frame is checked from its pixels and its exact presentation time
 * against what the stream says it holds ({@link FragmentRecord}), in the three playback modes and
 * both container formats, for H.264 (synthetic camera) and H.265 (a file), and across a resolution
 * change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalKvsDecodeTest {

    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int FPS = 15;
    static final Path H265 = Path.of("src/test/resources/fixtures/h265-320x240-15fps.mp4");

    private static final Pattern FRAGMENT_NUMBER = Pattern.compile("FragmentNumber=(\\d+)");
    private static final Pattern MAP_URI = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    private FragmentedMedia camera;
    private LocalKvs localKvs;
    private KvsTestClients clients;
    private LocalKvsStream live;
    private LiveProducer liveProducer;
    private List<FragmentRecord> archived;
    private long archiveStart;

    @BeforeAll
    void start() {
        camera = SyntheticCamera.encode(WIDTH, HEIGHT, FPS);
        localKvs = LocalKvs.builder().build().start();
        clients = new KvsTestClients(localKvs);
        // A live camera first, so that it has fragments by the time the LIVE tests run.
        live = localKvs.createStream("live");
        liveProducer = live.startLive(camera);
        // One minute of recent past: 6 fragments, media indices 0..4 then 0 again (the loop wraps).
        archiveStart =
                System.currentTimeMillis() - 60_000 + 7; // not on a whole second: PDT keeps ms
        archived = localKvs.createStream("archive").appendArchived(camera, archiveStart, 6);
    }

    @AfterAll
    void stop() {
        liveProducer.stop();
        clients.close();
        localKvs.close();
    }

    // ------------------------------------------------------------------ the three playback modes

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void onDemandDecodesFrameByFrame(String container) throws Exception {
        String url =
                clients.sessionUrl(
                        onDemand("archive", container, archiveStart, archiveStart + 10_000));
        Session session = new Session(url, container);
        Playlist playlist = session.mediaPlaylist();
        assertThat(playlist.lines).contains("#EXT-X-PLAYLIST-TYPE:VOD");
        assertThat(playlist.lines.get(playlist.lines.size() - 1)).isEqualTo("#EXT-X-ENDLIST");
        assertThat(playlist.shape()).isEqualTo((mp4(container) ? "M" : "") + "FFFFFF");

        List<Decoded> frames = session.verifyAll(playlist, byNumber(archived), initId -> camera);

        // 6 fragments: loop indices 0..149, then the loop starts over at 0.
        List<Integer> expected = new ArrayList<>(ReferenceDecoding.indices(frames).size());
        for (int i = 0; i < 180; i++) {
            expected.add(i % 150);
        }
        assertThat(ReferenceDecoding.indices(frames)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void liveReplayDecodesFrameByFrameAsTheListGrows(String container) throws Exception {
        // Three fragments from the start; LIVE_REPLAY shows the first at once, then one more per 2
        // s.
        String url =
                clients.sessionUrl(
                        b ->
                                b.streamName("archive")
                                        .playbackMode("LIVE_REPLAY")
                                        .containerFormat(container)
                                        .displayFragmentTimestamp("ALWAYS")
                                        .hlsFragmentSelector(
                                                s ->
                                                        s.fragmentSelectorType("PRODUCER_TIMESTAMP")
                                                                .timestampRange(
                                                                        range(
                                                                                archiveStart,
                                                                                archiveStart
                                                                                        + 4_000))));
        Session session = new Session(url, container);
        Map<String, FragmentRecord> records = byNumber(archived);

        Playlist first = session.mediaPlaylist();
        assertThat(first.count("#EXT-X-ENDLIST")).as("a replay is not over at once").isZero();
        assertThat(first.uris()).hasSizeLessThan(3).isNotEmpty();
        List<String> seen = new ArrayList<>();
        List<Decoded> frames = new ArrayList<>();
        Playlist playlist = first;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            for (Listed listed : session.listed(playlist)) {
                if (!seen.contains(listed.fragmentNumber())) {
                    seen.add(listed.fragmentNumber());
                    frames.addAll(session.verify(listed, records, initId -> camera));
                }
            }
            if (playlist.count("#EXT-X-ENDLIST") == 1) {
                break;
            }
            assertThat(System.nanoTime())
                    .as("replay never ended: %s", playlist.text)
                    .isLessThan(deadline);
            Thread.sleep(500);
            playlist = session.mediaPlaylist();
        }
        assertThat(seen)
                .containsExactly(
                        archived.get(0).fragmentNumber(),
                        archived.get(1).fragmentNumber(),
                        archived.get(2).fragmentNumber());
        assertThat(ReferenceDecoding.indices(frames)).isEqualTo(range(0, 90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void liveDecodesFrameByFrame(String container) throws Exception {
        // A fragment becomes visible when complete (2 s); wait for two.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (live.fragments().size() < 2) {
            assertThat(System.nanoTime())
                    .as("live producer made no fragments")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        String url =
                clients.sessionUrl(
                        b ->
                                b.streamName("live")
                                        .playbackMode("LIVE")
                                        .containerFormat(container)
                                        .displayFragmentTimestamp("ALWAYS")
                                        .hlsFragmentSelector(
                                                s -> s.fragmentSelectorType("PRODUCER_TIMESTAMP")));
        Session session = new Session(url, container);
        Playlist playlist = session.mediaPlaylist();
        assertThat(playlist.count("#EXT-X-ENDLIST")).isZero();
        assertThat(playlist.count("#EXT-X-PLAYLIST-TYPE")).isZero();
        // Read after the playlist, so it knows every fragment the playlist lists.
        List<FragmentRecord> now = live.fragments();
        List<Listed> listed = session.listed(playlist);
        assertThat(listed).hasSizeGreaterThanOrEqualTo(2);

        List<Decoded> frames = session.verifyAll(playlist, byNumber(now), initId -> camera);

        // The window is contiguous in the stream: loop indices continue across fragments.
        FragmentRecord firstListed = byNumber(now).get(listed.get(0).fragmentNumber());
        List<Integer> expected = new ArrayList<>();
        for (int k = 0; k < frames.size(); k++) {
            expected.add((int) ((firstListed.mediaIndex() * 30L + k) % 150));
        }
        assertThat(ReferenceDecoding.indices(frames)).isEqualTo(expected);
        assertThat(frames).hasSize(30 * listed.size());
    }

    // ------------------------------------------------------------------ H.265 from a file

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void h265FileDecodesFrameByFrame(String container) throws Exception {
        FragmentedMedia h265 = FileMedia.load(H265);
        String name = "h265-" + container.toLowerCase().replace('_', '-');
        long start = System.currentTimeMillis() - 30_000;
        List<FragmentRecord> records = localKvs.createStream(name).appendArchived(h265, start, 3);
        String url = clients.sessionUrl(onDemand(name, container, start, start + 4_000));
        Session session = new Session(url, container);
        assertThat(session.master()).contains("CODECS=\"hvc1.");

        List<Decoded> frames =
                session.verifyAll(session.mediaPlaylist(), byNumber(records), initId -> h265);

        assertThat(ReferenceDecoding.indices(frames)).isEqualTo(range(0, 90));
    }

    // ------------------------------------------------------------------ resolution change

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void resolutionChangeShowsADiscontinuityAndDecodesAtTheNewSize(String container)
            throws Exception {
        FragmentedMedia small = SyntheticCamera.encode(256, 192, FPS);
        // A clock moved by hand: a live camera makes 4 fragments (8 s) at once.
        ManualClock clock = new ManualClock(1_700_000_000_123L);
        try (LocalKvs kvs = LocalKvs.builder().clock(clock).build().start();
                KvsTestClients sdk = new KvsTestClients(kvs)) {
            LocalKvsStream stream = kvs.createStream("switch");
            LiveProducer producer = stream.startLive(camera);
            clock.advance(Duration.ofMillis(4_000));
            producer.switchMedia(small);
            clock.advance(Duration.ofMillis(4_000));
            List<FragmentRecord> records = stream.fragments();
            assertThat(records).hasSize(4);
            assertThat(records.get(2).initId()).isNotEqualTo(records.get(1).initId());
            assertThat(records.get(2).mediaIndex()).isZero();

            String url =
                    sdk.sessionUrl(
                            b ->
                                    b.streamName("switch")
                                            .playbackMode("LIVE")
                                            .containerFormat(container)
                                            .displayFragmentTimestamp("ALWAYS")
                                            .hlsFragmentSelector(
                                                    s ->
                                                            s.fragmentSelectorType(
                                                                    "PRODUCER_TIMESTAMP")));
            Session session = new Session(sdk, url, container);
            Playlist playlist = session.mediaPlaylist();
            // PRODUCER_TIMESTAMP defaults to DiscontinuityMode NEVER, yet the new init forces one.
            assertThat(playlist.shape()).isEqualTo(mp4(container) ? "MFFDMFF" : "FFDFF");
            List<Listed> listed = session.listed(playlist);
            if (mp4(container)) {
                assertThat(listed.get(2).mapUri()).isNotEqualTo(listed.get(0).mapUri());
            }
            Map<Integer, FragmentedMedia> mediaByInit =
                    Map.of(records.get(0).initId(), camera, records.get(2).initId(), small);

            List<Decoded> frames = session.verifyAll(playlist, byNumber(records), mediaByInit::get);

            assertThat(frames).hasSize(120);
            assertThat(frames.subList(0, 60))
                    .allSatisfy(f -> assertThat(f.width() + "x" + f.height()).isEqualTo("320x240"));
            assertThat(frames.subList(60, 120))
                    .allSatisfy(f -> assertThat(f.width() + "x" + f.height()).isEqualTo("256x192"));
            List<Integer> expected = new ArrayList<>(range(0, 60));
            expected.addAll(range(0, 60));
            assertThat(ReferenceDecoding.indices(frames)).isEqualTo(expected);
            if (mp4(container)) {
                // The new fragments really need the new init: with the old one they do not decode
                // right.
                Listed after = listed.get(2);
                byte[] wrong =
                        ReferenceDecoding.concat(
                                session.fetch(listed.get(0).mapUri()), session.fetch(after.uri()));
                List<Decoded> misdecoded = decodeQuietly(wrong, "mp4");
                assertThat(misdecoded)
                        .noneSatisfy(
                                f -> {
                                    assertThat(f.width()).isEqualTo(256);
                                    assertThat(f.index()).isBetween(0, 29);
                                });
            }
        }
    }

    private static List<Decoded> decodeQuietly(byte[] bytes, String format) {
        try {
            return ReferenceDecoding.decode(bytes, format);
        } catch (Exception e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------ the checks

    /** One fragment as a media playlist lists it, with the tags that apply to it. */
    record Listed(
            String uri,
            String fragmentNumber,
            String mapUri,
            Long programDateTimeMillis,
            boolean discontinuity) {}

    /**
     * A session: its URL, the clients to fetch with, and what a fetch-and-decode consumer does with
     * it.
     */
    final class Session {
        final KvsTestClients http;
        final String url;
        final String container;
        private String mediaUrl;
        private final Map<String, byte[]> inits = new HashMap<>();

        Session(String url, String container) {
            this(clients, url, container);
        }

        Session(KvsTestClients http, String url, String container) {
            this.http = http;
            this.url = url;
            this.container = container;
        }

        String master() {
            return http.getText(url);
        }

        Playlist mediaPlaylist() {
            if (mediaUrl == null) {
                String master = master();
                assertThat(master).contains("RESOLUTION=").contains("FRAME-RATE=15.0");
                mediaUrl = KvsTestClients.mediaPlaylistUrl(url, master);
            }
            return new Playlist(http.getText(mediaUrl));
        }

        byte[] fetch(String relative) {
            var response = http.get(KvsTestClients.resolve(mediaUrl, relative));
            assertThat(response.statusCode()).as("GET %s", relative).isEqualTo(200);
            return response.body();
        }

        List<Listed> listed(Playlist playlist) {
            List<Listed> out = new ArrayList<>();
            String map = null;
            Long pdt = null;
            boolean discontinuity = false;
            for (String line : playlist.lines) {
                Matcher m = MAP_URI.matcher(line);
                if (m.matches()) {
                    map = m.group(1);
                } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                    pdt =
                            Instant.parse(line.substring("#EXT-X-PROGRAM-DATE-TIME:".length()))
                                    .toEpochMilli();
                } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                    discontinuity = true;
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    Matcher n = FRAGMENT_NUMBER.matcher(line);
                    assertThat(n.find()).as("fragment number in %s", line).isTrue();
                    out.add(new Listed(line, n.group(1), map, pdt, discontinuity));
                    pdt = null;
                    discontinuity = false;
                }
            }
            return out;
        }

        /**
         * Fetches and checks every fragment {@code playlist} lists; returns all frames in order.
         */
        List<Decoded> verifyAll(
                Playlist playlist,
                Map<String, FragmentRecord> records,
                IntFunction<FragmentedMedia> mediaOfInit)
                throws Exception {
            List<Decoded> all = new ArrayList<>();
            List<Listed> listed = listed(playlist);
            assertThat(listed).as("fragments in\n%s", playlist.text).isNotEmpty();
            for (Listed fragment : listed) {
                all.addAll(verify(fragment, records, mediaOfInit));
            }
            return all;
        }

        /**
         * Fetches one fragment (after its init segment for fMP4), decodes it from memory and checks
         * each frame j: the index in its pixels is the loop index the record says (the frames of
         * the media's fragments before it, plus j), the fragment has the record's frame count, the
         * picture has the media's size, and it is presented exactly at PROGRAM-DATE-TIME + j/fps (1
         * ms tolerance), where PROGRAM-DATE-TIME is the record's producer timestamp.
         */
        List<Decoded> verify(
                Listed listed,
                Map<String, FragmentRecord> records,
                IntFunction<FragmentedMedia> mediaOfInit)
                throws Exception {
            FragmentRecord record = records.get(listed.fragmentNumber());
            assertThat(record).as("record of fragment %s", listed.fragmentNumber()).isNotNull();
            FragmentedMedia media = mediaOfInit.apply(record.initId());
            assertThat(listed.programDateTimeMillis())
                    .as("PROGRAM-DATE-TIME")
                    .isEqualTo(record.producerMillis());
            byte[] fragment = fetch(listed.uri());
            List<Decoded> frames;
            if (mp4(container)) {
                assertThat(listed.mapUri()).as("EXT-X-MAP before %s", listed.uri()).isNotNull();
                byte[] init = inits.computeIfAbsent(listed.mapUri(), this::fetch);
                frames = ReferenceDecoding.decode(ReferenceDecoding.concat(init, fragment), "mp4");
            } else {
                assertThat(listed.mapUri()).isNull();
                frames = ReferenceDecoding.decode(fragment, "mpegts");
            }
            String what =
                    "fragment "
                            + record.sequence()
                            + " (media index "
                            + record.mediaIndex()
                            + ", "
                            + container
                            + ")";
            assertThat(frames).as(what).hasSize(record.frameCount());
            int firstLoopIndex = 0;
            for (int k = 0; k < record.mediaIndex(); k++) {
                firstLoopIndex += media.frameCount(k);
            }
            BigDecimal frameMillis =
                    BigDecimal.valueOf(1000)
                            .divide(BigDecimal.valueOf(media.frameRate()), MathContext.DECIMAL128);
            for (int j = 0; j < frames.size(); j++) {
                Decoded f = frames.get(j);
                assertThat(f.index())
                        .as("%s frame %s: index from pixels", what, j)
                        .isEqualTo(firstLoopIndex + j);
                assertThat(f.width() + "x" + f.height())
                        .as("%s frame %s: size", what, j)
                        .isEqualTo(media.width() + "x" + media.height());
                BigDecimal expectedMillis =
                        BigDecimal.valueOf(listed.programDateTimeMillis())
                                .add(frameMillis.multiply(BigDecimal.valueOf(j)));
                BigDecimal off = f.offsetMillisFrom(expectedMillis, !mp4(container));
                assertThat(off.abs())
                        .as(
                                "%s frame %s: presented %s ms from PROGRAM-DATE-TIME + j/fps (pts"
                                        + " %s, tb %s/%s)",
                                what, j, off, f.pts(), f.timeBaseNum(), f.timeBaseDen())
                        .isLessThanOrEqualTo(BigDecimal.ONE);
            }
            return frames;
        }
    }

    static boolean mp4(String container) {
        return container.equals("FRAGMENTED_MP4");
    }

    static Map<String, FragmentRecord> byNumber(List<FragmentRecord> records) {
        Map<String, FragmentRecord> map = new LinkedHashMap<>();
        records.forEach(r -> map.put(r.fragmentNumber(), r));
        return map;
    }

    static List<Integer> range(int from, int count) {
        List<Integer> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(from + i);
        }
        return out;
    }

    static Consumer<GetHlsStreamingSessionUrlRequest.Builder> onDemand(
            String stream, String container, long start, long end) {
        return b ->
                b.streamName(stream)
                        .playbackMode("ON_DEMAND")
                        .containerFormat(container)
                        .displayFragmentTimestamp("ALWAYS")
                        .hlsFragmentSelector(
                                s ->
                                        s.fragmentSelectorType("PRODUCER_TIMESTAMP")
                                                .timestampRange(range(start, end)));
    }

    /**
     * The range from {@code from} to {@code to}, for the SDK's builder (keeps the nested lambdas
     * short).
     */
    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            Instant from, Instant to) {
        return r -> r.startTimestamp(from).endTimestamp(to);
    }

    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            long fromMillis, long toMillis) {
        return range(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    }
}
