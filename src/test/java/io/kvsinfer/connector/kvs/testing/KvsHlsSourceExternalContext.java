package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.LocalKvsStream;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flink's connector test suite ({@code SourceTestSuiteBase}) against {@code KvsHlsSource} on
 * LocalKvs: records are {@code Integer}s, and a record is a video frame whose pixels carry the
 * value as a {@link FrameIndexCode}.
 *
 * <ul>
 *   <li>Splits: split k of this context is the LocalKvs stream {@code <prefix>-k}, one camera of
 *       the source. {@link #createSourceSplitDataWriter} claims the next stream.
 *   <li>Writing: each {@code writeRecords} batch becomes {@link SyntheticCamera#encodeValues} media
 *       (one frame per value, fragments of {@value #FRAMES_PER_FRAGMENT} frames, the last one
 *       shorter: no padding) appended to the stream, contiguous with the stream's previous batch
 *       or, for the unbounded cases, ending about now, like a camera that just uploaded.
 *   <li>Reading: a {@link FrameMapper} reads the value back from each frame's pixels; a frame
 *       without a readable value fails the job rather than being dropped or guessed.
 *   <li>Values are unique across the whole run (a sequence number), so records of different splits,
 *       and of different batches of one split, never compare equal.
 *   <li>Bounded cases: the suite builds the source before it writes, so the bounded time axis is
 *       fixed when the context is made: data are written from {@link #boundedBaseMillis} (30 min
 *       ago) on, and the source reads from the earliest fragment and stops at the base plus 20
 *       minutes, far after any data written and still in the past.
 *   <li>Unbounded cases: the source starts at the earliest fragment, so data written before the job
 *       starts are read from the archive and data written later arrive as live fragments.
 * </ul>
 *
 * <p>A {@code KvsHlsSource} reads the fixed list of streams it is built with; it does not discover
 * streams. In four of the suite's cases (single split, multiple splits, idle reader, TaskManager
 * failure) the suite builds the source <em>before</em> it creates any split writer. For those,
 * {@link #createSource} creates the streams the case will write to ahead of time and the writers
 * then claim them in order. How many is known from the case (the test name the suite hands to the
 * context factory): one for the single-split and TaskManager-failure cases, four otherwise, as
 * {@link #SPLITS_WRITTEN_AFTER_SOURCE} says.
 */
public final class KvsHlsSourceExternalContext implements DataStreamSourceExternalContext<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(KvsHlsSourceExternalContext.class);

    public static final int WIDTH = 64;
    public static final int HEIGHT = 48;
    public static final int FPS = 10;
    public static final int FRAMES_PER_FRAGMENT = 10;

    /**
     * Splits a case of {@code SourceTestSuiteBase} writes after it built the source, by the case's
     * display name; cases not listed build the source after their writers (or are unknown: then
     * {@link #DEFAULT_SPLITS_WRITTEN_AFTER_SOURCE}).
     */
    static final Map<String, Integer> SPLITS_WRITTEN_AFTER_SOURCE =
            Map.of(
                    "Test source with single split", 1,
                    "Test TaskManager failure", 1,
                    "Test source with multiple splits", 4,
                    "Test source with at least one idle parallelism", 4);

    static final int DEFAULT_SPLITS_WRITTEN_AFTER_SOURCE = 4;

    private static final AtomicInteger CONTEXTS = new AtomicInteger();

    /** One sequence for every value written in this JVM: no two records anywhere are equal. */
    private static final AtomicInteger VALUES = new AtomicInteger(1_000);

    private final LocalKvs kvs;
    private final String testName;
    private final String prefix;
    private final long boundedBaseMillis;
    private final long boundedStopMillis;

    /**
     * Streams of this context, split k at index k; created by writers or reserved by createSource.
     */
    private final List<LocalKvsStream> streams = new ArrayList<>();

    /** Producer time at which each stream's next batch may start (no overlap, never backwards). */
    private final List<Long> nextStartMillis = new ArrayList<>();

    private int writersCreated;

    public KvsHlsSourceExternalContext(LocalKvs kvs, String testName) {
        this.kvs = kvs;
        this.testName = testName;
        this.prefix =
                "suite-"
                        + CONTEXTS.incrementAndGet()
                        + "-"
                        + Long.toString(System.nanoTime() & 0xFFFFFF, 36);
        this.boundedBaseMillis =
                (System.currentTimeMillis() - Duration.ofMinutes(30).toMillis()) / 1000 * 1000;
        this.boundedStopMillis = boundedBaseMillis + Duration.ofMinutes(20).toMillis();
    }

    @Override
    public synchronized Source<Integer, ?, ?> createSource(TestingSourceSettings settings) {
        if (streams.isEmpty()) {
            int reserved =
                    SPLITS_WRITTEN_AFTER_SOURCE.getOrDefault(
                            testName, DEFAULT_SPLITS_WRITTEN_AFTER_SOURCE);
            if (!SPLITS_WRITTEN_AFTER_SOURCE.containsKey(testName)) {
                LOG.warn(
                        "Unknown suite case '{}': reserving {} streams for writers that come after"
                                + " the source",
                        testName,
                        reserved);
            }
            for (int k = 0; k < reserved; k++) {
                newStream();
            }
        }
        KvsHlsSourceBuilder<VideoFrame> builder =
                LocalKvsCameras.sourceFor(kvs)
                        .setStartingPosition(StartingPosition.earliest())
                        .setOption(KvsSourceOptions.PLAYLIST_POLL_INTERVAL, Duration.ofMillis(250))
                        .setOption(KvsSourceOptions.IDLE_POLL_INTERVAL, Duration.ofMillis(500));
        for (LocalKvsStream stream : streams) {
            builder.addStream(stream.name());
        }
        if (settings.getBoundedness() == Boundedness.BOUNDED) {
            builder.setStoppingTimestamp(Instant.ofEpochMilli(boundedStopMillis));
        }
        LOG.info(
                "{}: {} source over {} streams {}",
                testName,
                settings.getBoundedness(),
                streams.size(),
                streamNames());
        return builder.setFrameMapper(new ValueMapper(), Types.INT).build();
    }

    @Override
    public synchronized ExternalSystemSplitDataWriter<Integer> createSourceSplitDataWriter(
            TestingSourceSettings settings) {
        int split = writersCreated++;
        if (split == streams.size()) {
            newStream();
        }
        boolean bounded = settings.getBoundedness() == Boundedness.BOUNDED;
        return new SplitWriter(split, bounded);
    }

    @Override
    public List<Integer> generateTestData(
            TestingSourceSettings settings, int splitIndex, long seed) {
        int count = 15 + new Random(seed).nextInt(16);
        List<Integer> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(VALUES.getAndIncrement());
        }
        return values;
    }

    @Override
    public TypeInformation<Integer> getProducedType() {
        return Types.INT;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        // MiniCluster: the connector is on the test classpath.
        return Collections.emptyList();
    }

    @Override
    public synchronized void close() {
        for (LocalKvsStream stream : streams) {
            kvs.deleteStream(stream.name());
        }
        streams.clear();
    }

    @Override
    public String toString() {
        return "LocalKvs cameras (" + prefix + ")";
    }

    private LocalKvsStream newStream() {
        LocalKvsStream stream = kvs.createStream(prefix + "-" + streams.size());
        streams.add(stream);
        nextStartMillis.add(boundedBaseMillis);
        return stream;
    }

    private List<String> streamNames() {
        List<String> names = new ArrayList<>();
        for (LocalKvsStream s : streams) {
            names.add(s.name());
        }
        return names;
    }

    private synchronized void write(int split, boolean bounded, List<Integer> records) {
        int[] values = records.stream().mapToInt(Integer::intValue).toArray();
        FragmentedMedia media =
                SyntheticCamera.encodeValues(WIDTH, HEIGHT, FPS, FRAMES_PER_FRAGMENT, values);
        long duration = 0;
        for (int i = 0; i < media.fragmentCount(); i++) {
            duration += media.durationMillis(i);
        }
        long start = nextStartMillis.get(split);
        if (!bounded) {
            start = Math.max(start, System.currentTimeMillis() - duration);
        }
        if (bounded && start + duration > boundedStopMillis) {
            throw new IllegalStateException(
                    "bounded data up to "
                            + (start + duration)
                            + " would pass the stopping timestamp "
                            + boundedStopMillis);
        }
        LocalKvsStream stream = streams.get(split);
        List<FragmentRecord> written = stream.appendArchived(media, start, media.fragmentCount());
        FragmentRecord last = written.get(written.size() - 1);
        nextStartMillis.set(split, last.producerEndMillis());
        LOG.info(
                "{}: wrote {} values ({} .. {}) to {} as {} fragments from {}",
                testName,
                values.length,
                values[0],
                values[values.length - 1],
                stream.name(),
                written.size(),
                Instant.ofEpochMilli(start));
    }

    /** Writes batches of values into split {@code split}'s stream. */
    private final class SplitWriter implements ExternalSystemSplitDataWriter<Integer> {
        private final int split;
        private final boolean bounded;

        SplitWriter(int split, boolean bounded) {
            this.split = split;
            this.bounded = bounded;
        }

        @Override
        public void writeRecords(List<Integer> records) {
            if (!records.isEmpty()) {
                write(split, bounded, records);
            }
        }

        @Override
        public void close() {}
    }

    /** Reads the value drawn into a frame; a frame without one fails the job. */
    static final class ValueMapper implements FrameMapper<Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer map(CameraFrame frame) {
            return FrameIndexCode.read(
                            frame.pixels(), frame.width(), frame.height(), frame.stride())
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "Camera "
                                                    + frame.cameraId()
                                                    + ": no value readable in the frame at "
                                                    + frame.timestampMillis()));
        }
    }
}
