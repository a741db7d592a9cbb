package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.enumerator.CameraEndedEvent;
import io.kvsinfer.connector.kvs.source.enumerator.FinishCameraEvent;
import io.kvsinfer.connector.kvs.source.enumerator.RestoredCamerasEvent;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;
import io.kvsinfer.connector.kvs.testing.RecordsOnlyOutput;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.core.io.InputStatus;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/** What a reader tells the enumerator about its cameras, against a LocalKvs. */
class KvsSourceReaderTest {

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static KvsHlsSource<FrameKey> source;

    @BeforeAll
    static void buildSource() {
        source =
                sourceFor(LOCAL_KVS.kvs())
                        .discoverStreams("rd-")
                        .setOption(KvsSourceOptions.IDLE_POLL_INTERVAL, Duration.ofMillis(300))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
    }

    @Test
    void reportsItsCamerasAndNeverRunsOneCameraTwice() throws Exception {
        LocalKvs kvs = LOCAL_KVS.kvs();
        kvs.createStream("rd-a").startLive(SyntheticCamera.encode(160, 120, 10));
        TestingReaderContext context = new TestingReaderContext();
        try (SourceReader<FrameKey, KvsStreamSplit> reader = source.createReader(context)) {
            CollectingOutput output = new CollectingOutput();
            reader.addSplits(List.of(split("rd-a", StartingPosition.earliest())));
            reader.start();
            assertThat(context.getSentEvents())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            RestoredCamerasEvent.class,
                            e -> assertThat(e.cameraIds()).containsExactly("rd-a"));
            pollUntil(reader, output, () -> !output.records.isEmpty());

            // The enumerator hands out the camera again, as after it ended and came back, while the
            // restored split still runs: that one is finished first, and nothing is reported.
            StartingPosition newer = StartingPosition.fromTimestamp(System.currentTimeMillis());
            reader.addSplits(List.of(split("rd-a", newer)));
            assertThat(reader.snapshotState(1))
                    .as("while it waits, the newer split stands in the older one's place")
                    .singleElement()
                    .satisfies(waiting -> assertThat(waiting.startingPosition()).isEqualTo(newer));
            pollUntil(
                    reader,
                    output,
                    () -> reader.snapshotState(1).get(0).startingPosition().equals(newer));
            assertThat(reader.snapshotState(2)).hasSize(1);
            assertThat(context.getSentEvents()).hasSize(1);
            // From then on one split reads the camera: each frame comes once, in order.
            List<FrameKey> emitted = output.records;
            pollUntil(reader, output, () -> framesSince(emitted, newer).size() >= 20);
            assertThat(framesSince(emitted, newer)).isSorted().doesNotHaveDuplicates();

            kvs.deleteStream("rd-a");
            pollUntil(reader, output, () -> context.getSentEvents().size() > 1);
            assertThat(context.getSentEvents().get(1))
                    .isInstanceOfSatisfying(
                            CameraEndedEvent.class,
                            e -> {
                                assertThat(e.cameraId()).isEqualTo("rd-a");
                                assertThat(e.streamGone()).isTrue();
                            });
            assertThat(reader.snapshotState(3)).isEmpty();
        }
    }

    private static List<Long> framesSince(List<FrameKey> frames, StartingPosition start) {
        return frames.stream()
                .map(frame -> frame.timestampMillis)
                .filter(timestamp -> timestamp >= start.timestampMillis())
                .collect(Collectors.toList());
    }

    @Test
    void aFinishWhileANewerSplitWaitsEndsTheCameraForGood() throws Exception {
        LOCAL_KVS.kvs().createStream("rd-b").startLive(SyntheticCamera.encode(160, 120, 10));
        TestingReaderContext context = new TestingReaderContext();
        try (SourceReader<FrameKey, KvsStreamSplit> reader = source.createReader(context)) {
            CollectingOutput output = new CollectingOutput();
            reader.start();
            // Two splits of one camera in one call: the second waits for the first to finish.
            StartingPosition newer = StartingPosition.fromTimestamp(System.currentTimeMillis());
            reader.addSplits(
                    List.of(split("rd-b", StartingPosition.earliest()), split("rd-b", newer)));
            reader.handleSourceEvents(new FinishCameraEvent("rd-b"));

            pollUntil(reader, output, () -> context.getSentEvents().size() > 1);
            assertThat(context.getSentEvents().get(1))
                    .isInstanceOfSatisfying(
                            CameraEndedEvent.class,
                            e -> assertThat(e.cameraId()).isEqualTo("rd-b"));
            // The waiting split went with the finish: nothing runs, now or a second later.
            assertThat(reader.snapshotState(1)).isEmpty();
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            pollUntil(reader, output, () -> System.nanoTime() > until);
            assertThat(reader.snapshotState(2)).isEmpty();
            assertThat(context.getSentEvents()).hasSize(2);
        }
    }

    private static KvsStreamSplit split(String camera, StartingPosition start) {
        return new KvsStreamSplit(
                camera, camera, start, KvsStreamSplit.NO_STOPPING_TIMESTAMP, null);
    }

    private static void pollUntil(
            SourceReader<FrameKey, KvsStreamSplit> reader,
            CollectingOutput output,
            BooleanSupplier done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            if (reader.pollNext(output) != InputStatus.MORE_AVAILABLE) {
                try {
                    reader.isAvailable().get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // Check the deadline and poll again.
                }
            }
        }
    }

    /** Collects the records of every camera. */
    private static final class CollectingOutput extends RecordsOnlyOutput<FrameKey>
            implements ReaderOutput<FrameKey> {
        final List<FrameKey> records = new ArrayList<>();

        @Override
        public void collect(FrameKey record) {
            records.add(record);
        }

        @Override
        public void collect(FrameKey record, long timestamp) {
            records.add(record);
        }

        @Override
        public SourceOutput<FrameKey> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
