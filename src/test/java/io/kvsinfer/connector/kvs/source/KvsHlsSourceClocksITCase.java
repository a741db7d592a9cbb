package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.LocalKvsStream;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded job on a MiniCluster whose stopping timestamp is still in the future, by
 * SERVER_TIMESTAMP, against a LocalKvs whose clock runs 10 s behind the host's: the job must not
 * fail on ranges ending in the service's future, must read on until the stop is past, and must
 * finish with every frame up to the stop once, checked by the index drawn in its pixels.
 */
class KvsHlsSourceClocksITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int FPS = 10;
    private static final Duration SERVICE_BEHIND = Duration.ofSeconds(10);

    /** The service's clock lags the host's; server timestamps equal producer timestamps. */
    @RegisterExtension
    static final LocalKvsExtension LOCAL_KVS =
            LocalKvsExtension.with(
                    b ->
                            b.clock(
                                            InstantSource.offset(
                                                    InstantSource.system(),
                                                    SERVICE_BEHIND.negated()))
                                    .ingestionDelay(Duration.ZERO));

    private static LocalKvs kvs;
    private static FragmentedMedia camera;

    @BeforeAll
    static void startLocalKvs() {
        kvs = LOCAL_KVS.kvs();
        camera = SyntheticCamera.encode(160, 120, FPS);
    }

    @Test
    void aBoundedJobWithTheStopInTheFutureFinishesWithEveryFrameOnce() throws Exception {
        long serviceNow = System.currentTimeMillis() - SERVICE_BEHIND.toMillis();
        long start = serviceNow - 20_000;
        List<String> cameras = List.of("future-stop-1", "future-stop-2");
        for (String name : cameras) {
            LocalKvsStream stream = kvs.createStream(name);
            stream.appendArchived(camera, start, 9);
            stream.startLive(camera);
        }
        long stop = serviceNow + 8_000;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .addStream(cameras.get(0))
                        .addStream(cameras.get(1))
                        .setFragmentSelector(FragmentSelectorType.SERVER_TIMESTAMP)
                        .setStartingPosition(StartingPosition.fromTimestamp(start))
                        .setStoppingTimestamp(Instant.ofEpochMilli(stop))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        List<FrameKey> frames = new ArrayList<>();
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "future-stop")
                        .executeAndCollect("future-stop")) {
            results.forEachRemaining(frames::add);
        }

        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        assertThat(byCamera).containsOnlyKeys(cameras);
        for (List<FrameKey> received : byCamera.values()) {
            List<Long> indices =
                    new FrameSequenceVerifier(kvs.stream(received.get(0).cameraId).fragments(), FPS)
                            .assertContiguous(received);
            assertThat(indices.get(0)).as("from the first archived frame").isZero();
            long last = received.get(received.size() - 1).timestampMillis;
            assertThat(last).as("every frame up to the stop").isGreaterThan(stop - 1000 / FPS);
            assertThat(last).isLessThanOrEqualTo(stop);
        }
    }
}
