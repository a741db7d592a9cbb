package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.FragmentSelectorType;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cameras with a microphone, read through the public {@link KvsHlsSource} on a MiniCluster: the
 * master playlist lists an audio rendition and the fragments carry AAC (a second PID in MPEG-TS, a
 * separate track in fMP4), yet every video frame arrives once and in order, checked by its pixels.
 */
class KvsHlsSourceAudioITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int FPS = 15;
    private static final int FRAGMENTS = 6;

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static FragmentedMedia camera;

    @BeforeAll
    static void encode() {
        kvs = LOCAL_KVS.kvs();
        // Three 2 s fragments with a 440 Hz AAC tone beside the video, served in a loop.
        camera = SyntheticCamera.encode(320, 240, FPS, 2, 3, true);
        assertThat(camera.hasAudio()).isTrue();
    }

    /**
     * PRODUCER_TIMESTAMP sessions default to DiscontinuityMode NEVER; SERVER_TIMESTAMP ones to
     * ALWAYS, AWS's recorded shape: one map at the top and a discontinuity after every fragment.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "FRAGMENTED_MP4, PRODUCER_TIMESTAMP",
        "MPEG_TS, PRODUCER_TIMESTAMP",
        "FRAGMENTED_MP4, SERVER_TIMESTAMP",
        "MPEG_TS, SERVER_TIMESTAMP"
    })
    void readsEveryVideoFrameOfACameraWithAudioOnceInOrder(
            ContainerFormat container, FragmentSelectorType selector) throws Exception {
        String name =
                ("mic-" + container + "-" + selector).toLowerCase(Locale.ROOT).replace('_', '-');
        // Server timestamps are the producer's plus LocalKvs's ingestion delay (100 ms).
        long delay = selector == FragmentSelectorType.SERVER_TIMESTAMP ? 100 : 0;
        long archiveStart = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
        kvs.createStream(name).appendArchived(camera, archiveStart, FRAGMENTS);
        long mastersBefore = kvs.requestCount(KvsOperation.GET_HLS_MASTER_PLAYLIST);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .addStream(name)
                        .setContainerFormat(container)
                        .setFragmentSelector(selector)
                        .setStartingPosition(StartingPosition.earliest())
                        .setStoppingTimestamp(
                                Instant.ofEpochMilli(archiveStart + delay + FRAGMENTS * 2000L - 1))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "audio " + container)
                        .executeAndCollect("audio " + container)) {
            results.forEachRemaining(frames::add);
        }

        assertThat(kvs.requestCount(KvsOperation.GET_HLS_MASTER_PLAYLIST))
                .as("the source read the master playlist with the audio rendition")
                .isGreaterThan(mastersBefore);
        assertThat(frames).hasSize(FRAGMENTS * 2 * FPS);
        // Frames carry the selected timestamps; the verifier places them by producer time.
        List<FrameKey> byProducerTime = new ArrayList<>();
        for (FrameKey f : frames) {
            byProducerTime.add(
                    new FrameKey(
                            f.cameraId,
                            f.timestampMillis - delay,
                            f.pixelIndex,
                            f.width,
                            f.height));
        }
        List<Long> indices =
                new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS)
                        .assertContiguous(byProducerTime);
        assertThat(indices.get(0)).isZero();
        assertThat(indices.get(indices.size() - 1)).isEqualTo(FRAGMENTS * 2L * FPS - 1);
        assertThat(frames).allSatisfy(f -> assertThat(f.width).isEqualTo(320));
    }

    /** A live camera with audio, in LIVE sessions by server time (DiscontinuityMode ALWAYS). */
    @ParameterizedTest
    @EnumSource(ContainerFormat.class)
    void readsALiveCameraWithAudio(ContainerFormat container) throws Exception {
        String name = "live-mic-" + container.name().toLowerCase(Locale.ROOT).replace('_', '-');
        kvs.createStream(name).startLive(camera);
        long deadline = System.currentTimeMillis() + 30_000;
        while (kvs.stream(name).fragments().isEmpty()) {
            assertThat(System.currentTimeMillis()).as("a live fragment").isLessThan(deadline);
            Thread.sleep(100);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .addStream(name)
                        .setContainerFormat(container)
                        .setFragmentSelector(FragmentSelectorType.SERVER_TIMESTAMP)
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "live " + container)
                        .executeAndCollect("live " + container)) {
            while (frames.size() < 3 * 2 * FPS && results.hasNext()) {
                FrameKey f = results.next();
                frames.add(
                        new FrameKey(f.cameraId, f.timestampMillis - 100, f.pixelIndex, 320, 240));
            }
        }
        assertThat(frames).hasSize(3 * 2 * FPS);
        new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS).assertContiguous(frames);
    }
}
