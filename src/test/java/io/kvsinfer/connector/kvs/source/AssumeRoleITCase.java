package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.ArrivalOrderSink;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-account reading: LocalKvs accepts KVS calls only with unexpired credentials of one role,
 * which the source assumes through STS (with an external id) and renews as they expire.
 */
class AssumeRoleITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final String ROLE = "arn:aws:iam::222222222222:role/kvs-reader";
    private static final List<String> CAMERAS = List.of("xacct-1", "xacct-2");
    private static final int FPS = 10;
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;

    @BeforeAll
    static void start() throws InterruptedException {
        kvs = LOCAL_KVS.kvs();
        kvs.roles().allow(ROLE, "ext-7f3a").capLifetime(Duration.ofSeconds(3)).requireForKvs(ROLE);
        FragmentedMedia media = SyntheticCamera.encode(160, 120, FPS);
        CAMERAS.forEach(name -> kvs.createStream(name).startLive(media));
        Thread.sleep(2100);
    }

    @Test
    void readsWithTheAssumedRoleAndRenewsItsCredentials() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSourceBuilder<VideoFrame> builder =
                sourceFor(kvs)
                        .setAssumeRole(ROLE, "flink-it", "ext-7f3a")
                        .setStsEndpoint(kvs.endpoint());
        CAMERAS.forEach(builder::addStream);
        ArrivalOrderSink sink = new ArrivalOrderSink();
        env.fromSource(
                        builder.setFrameMapper(new PixelIndexMapper(), FrameKey.class).build(),
                        WatermarkStrategy.noWatermarks(),
                        "xacct")
                .sinkTo(sink);
        JobClient job = env.executeAsync("xacct");
        List<FrameKey> frames;
        try {
            awaitFrames(sink, 30);
            long assumedBefore = kvs.roles().assumeRoleCalls();
            // The first credentials expired long ago; new sessions need KVS calls with fresh ones.
            Thread.sleep(3500);
            kvs.faults().expireAllSessions();
            awaitFrames(sink, sink.size() + 60);
            assertThat(kvs.roles().assumeRoleCalls())
                    .as("credentials renewed")
                    .isGreaterThan(assumedBefore);
            frames =
                    sink.received().stream()
                            .map(arrival -> arrival.frame)
                            .collect(Collectors.toList());
        } finally {
            job.cancel().get();
            sink.dispose();
        }
        assertThat(kvs.roles().refusedRequests())
                .as("KVS calls refused for their credentials")
                .isZero();
        Map<String, List<FrameKey>> byCamera = byCamera(frames);
        for (String name : CAMERAS) {
            assertThat(byCamera.get(name)).as(name).hasSizeGreaterThan(20);
            new FrameSequenceVerifier(kvs.stream(name).fragments(), FPS)
                    .assertContiguous(byCamera.get(name));
        }
    }

    private static void awaitFrames(ArrivalOrderSink sink, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sink.size() < count) {
            assertThat(System.nanoTime())
                    .as("%s frames in time; got %s", count, sink.size())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
