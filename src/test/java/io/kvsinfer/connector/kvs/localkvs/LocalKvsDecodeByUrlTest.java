package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;
import io.kvsinfer.connector.kvs.testing.ReferenceDecoding.Decoded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FFmpeg's own HLS reader (JavaCV's {@code FFmpegFrameGrabber}, format {@code hls}) pointed at a
 * LocalKvs session URL from the real SDK, as a player would: every frame index checked from the
 * pixels, in order, and every presentation time to the millisecond.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalKvsDecodeByUrlTest {

    /**
     * What FFmpeg 8.0's HLS reader needs for a LIVE playlist (no ENDLIST), measured here:
     *
     * <ul>
     *   <li>{@code m3u8_hold_counters}: by default it reloads a playlist that stopped growing 1000
     *       times before giving up, so grab() blocks for many minutes at the live edge;
     *   <li>{@code http_persistent=0}: with persistent connections (the default) and a hold counter
     *       of 1, it ends the stream about 10 KB before the end of the last segment although that
     *       segment was downloaded whole ("partial file", frames lost);
     *   <li>{@code live_start_index=0}: it otherwise starts 3 fragments behind the live edge;
     *   <li>{@code rw_timeout}: an HTTP read otherwise has no timeout at all.
     * </ul>
     *
     * An ON_DEMAND playlist (ENDLIST) needs nothing beyond the format {@code hls}.
     */
    static final Map<String, String> LIVE_OPTIONS =
            Map.of(
                    "m3u8_hold_counters", "1", // give up after one reload that brings nothing new
                    "http_persistent", "0",
                    "live_start_index", "0", // start at the first fragment listed
                    "rw_timeout", "5000000"); // 5 s per HTTP read, in microseconds

    private FragmentedMedia camera;
    private LocalKvs localKvs;
    private KvsTestClients clients;
    private long archiveStart;
    private final Map<String, LiveProducer> liveProducers = new HashMap<>();

    @BeforeAll
    void start() {
        camera =
                SyntheticCamera.encode(
                        LocalKvsDecodeTest.WIDTH,
                        LocalKvsDecodeTest.HEIGHT,
                        LocalKvsDecodeTest.FPS);
        localKvs = LocalKvs.builder().build().start();
        clients = new KvsTestClients(localKvs);
        archiveStart = System.currentTimeMillis() - 60_000 + 7;
        localKvs.createStream("archive").appendArchived(camera, archiveStart, 6);
        // Live cameras start now, so they have fragments when the LIVE tests run.
        for (String container : List.of("FRAGMENTED_MP4", "MPEG_TS")) {
            liveProducers.put(
                    container, localKvs.createStream(liveStreamName(container)).startLive(camera));
        }
    }

    private static String liveStreamName(String container) {
        return "live-" + container.toLowerCase().replace('_', '-');
    }

    @AfterAll
    void stop() {
        liveProducers.values().forEach(LiveProducer::stop);
        clients.close();
        localKvs.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void ffmpegReadsAnOnDemandSessionUrl(String container) throws Exception {
        // FFmpeg needed no option: format "hls" on the master playlist URL. The URLs' query strings
        // (SessionToken, FragmentNumber) and extensions (.m3u8, .mp4, .ts) pass its checks, and it
        // fetches the init fragment once, then every fragment, and stops at ENDLIST.
        String url =
                clients.sessionUrl(
                        LocalKvsDecodeTest.onDemand(
                                "archive", container, archiveStart, archiveStart + 10_000));
        List<Decoded> frames = ReferenceDecoding.decodeUrl(url, "hls", Map.of());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            expected.add(i % 150);
        }
        assertThat(ReferenceDecoding.indices(frames)).isEqualTo(expected);
        assertPresentedBackToBack(frames, archiveStart, container);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FRAGMENTED_MP4", "MPEG_TS"})
    void ffmpegReadsALiveSessionUrlWhenTold(String container) throws Exception {
        LocalKvsStream stream = localKvs.stream(liveStreamName(container));
        LiveProducer producer = liveProducers.get(container);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stream.fragments().size() < 2) {
            assertThat(System.nanoTime())
                    .as("live producer made no fragments")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
        String url =
                clients.sessionUrl(
                        b ->
                                b.streamName(stream.name())
                                        .playbackMode("LIVE")
                                        .containerFormat(container)
                                        .hlsFragmentSelector(
                                                s -> s.fragmentSelectorType("PRODUCER_TIMESTAMP")));
        // Freeze the live window (the fragment in progress is dropped), so the read has an end.
        producer.stop();
        List<FragmentRecord> records = stream.fragments();

        List<Decoded> frames = ReferenceDecoding.decodeUrl(url, "hls", LIVE_OPTIONS);

        assertThat(frames).hasSize(30 * records.size());
        List<Integer> expected = new ArrayList<>();
        for (int k = 0; k < frames.size(); k++) {
            expected.add((records.get(0).mediaIndex() * 30 + k) % 150);
        }
        assertThat(ReferenceDecoding.indices(frames)).isEqualTo(expected);
        assertPresentedBackToBack(frames, records.get(0).producerMillis(), container);
    }

    /** Frame k is presented at {@code startMillis + k / fps}, to the millisecond. */
    private static void assertPresentedBackToBack(
            List<Decoded> frames, long startMillis, String container) {
        for (int k = 0; k < frames.size(); k++) {
            BigDecimal expected =
                    BigDecimal.valueOf(startMillis)
                            .add(
                                    BigDecimal.valueOf(k * 1000L)
                                            .divide(
                                                    BigDecimal.valueOf(15),
                                                    MathContext.DECIMAL128));
            BigDecimal off =
                    frames.get(k).offsetMillisFrom(expected, !LocalKvsDecodeTest.mp4(container));
            assertThat(off.abs())
                    .as("frame %s presented %s ms off (pts %s)", k, off, frames.get(k).pts())
                    .isLessThanOrEqualTo(BigDecimal.ONE);
        }
    }
}
