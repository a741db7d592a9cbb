package io.kvsinfer.connector.kvs.examples.windows;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/** The windows example counts exactly the frames each camera produced in each minute. */
class FramesPerCameraPerMinuteITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void countsEveryFrameOfEveryCameraInItsMinute() throws Exception {
        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            var media = SyntheticCamera.encode(64, 48, 10);
            long start = (System.currentTimeMillis() - 600_000) / 60_000 * 60_000;
            kvs.createStream("w-lobby").appendArchived(media, start, 75);
            kvs.createStream("w-dock").appendArchived(media, start + 30_000, 30);
            kvs.createStream("w-silent");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            var source =
                    FramesPerCameraPerMinute.ticks(
                            sourceFor(kvs)
                                    .addStream("w-lobby")
                                    .addStream("w-dock")
                                    .addStream("w-silent")
                                    .setStartingPosition(StartingPosition.earliest())
                                    .setStoppingTimestamp(
                                            Instant.ofEpochMilli(start + 150_000 - 1)));
            List<CameraMinute> minutes =
                    FramesPerCameraPerMinute.countPerMinute(env, source).executeAndCollect(100);

            // 10 fps: a full minute is 600 frames; lobby runs 2.5 min from a minute boundary,
            // dock 60 s from half a minute in.
            assertThat(minutes)
                    .extracting(
                            m ->
                                    m.cameraId
                                            + "@"
                                            + (m.minuteStartMillis - start) / 1000
                                            + "s="
                                            + m.frames)
                    .containsExactlyInAnyOrder(
                            "w-lobby@0s=600",
                            "w-lobby@60s=600",
                            "w-lobby@120s=300",
                            "w-dock@0s=300",
                            "w-dock@60s=300");
        }
    }
}
