package io.kvsinfer.connector.kvs.soak;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.LiveProducer;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.fault.FaultKind;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.metrics.KvsSourceMetrics;
import io.kvsinfer.connector.kvs.testing.CommittedFramesSink;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.byCamera;
import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight live cameras read for a long time under a random fault schedule: every fault LocalKvs can
 * inject, at least one a minute, and TaskManager failovers, with checkpoints every 10 s. At the end
 * every frame outside damaged fragments must have been committed exactly once (from the pixels),
 * memory must be flat, and the metrics must agree with the faults. Writes {@code
 * target/soak/report.md} and {@code memory.png}.
 *
 * <p>Two minutes in the default build; {@code mvn -B -Psoak verify} runs an hour ({@code
 * -Dsoak.minutes=N}, {@code -Dsoak.seed=S}).
 */
@Tag("soak")
class KvsSourceSoakITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KvsSourceSoakITCase.class);
    private static final int CAMERAS = 8;
    private static final int FPS = 15;
    private static final int PARALLELISM = 2;
    private static final int MINUTES = Integer.getInteger("soak.minutes", 2);
    private static final long SEED = Long.getLong("soak.seed", 20261124L);
    private static final boolean FULL = MINUTES >= 20;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(25);
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    @Test
    void everyFrameOnceAndFlatMemoryUnderRandomFaults(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        Duration length = Duration.ofMinutes(MINUTES);
        FaultSchedule schedule =
                FULL
                        ? FaultSchedule.random(
                                SEED, length, Duration.ofSeconds(30), Duration.ofMinutes(10))
                        : FaultSchedule.random(SEED, length, Duration.ofSeconds(10), length);
        LOG.info(
                "Soak: {} minutes, seed {}, {} faults: {}",
                MINUTES,
                SEED,
                schedule.entries().size(),
                schedule.entries());

        try (LocalKvs kvs = LocalKvs.builder().build().start()) {
            Map<String, LiveProducer> producers = new TreeMap<>();
            for (int i = 1; i <= CAMERAS; i++) {
                String name = "soak-" + i;
                producers.put(
                        name,
                        kvs.createStream(name).startLive(SyntheticCamera.encode(320, 240, FPS)));
            }
            Thread.sleep(2200);
            CommittedFramesSink sink = new CommittedFramesSink();
            MemoryProbe memory = new MemoryProbe(sink::retainedBytes);
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            JobClient job = startJob(kvs, producers.keySet(), sink);
            long started = System.nanoTime();
            FaultDriver driver = new FaultDriver(SEED, kvs.faults(), producers, miniCluster);
            long stoppedAt = Long.MIN_VALUE;
            try {
                awaitFramesFromEveryCamera(sink, producers.keySet());
                sampler.scheduleAtFixedRate(memory::sample, 0, FULL ? 30 : 10, TimeUnit.SECONDS);
                for (FaultSchedule.Entry entry : schedule.entries()) {
                    sleepUntil(started, entry.at());
                    LOG.info(
                            "Soak fault at {}: {}",
                            entry.at(),
                            driver.inject(entry.at(), entry.fault()));
                }
                sleepUntil(started, length.plus(SETTLE));
                stoppedAt = System.currentTimeMillis();
            } finally {
                sampler.shutdownNow();
                driver.close();
                job.cancel().get();
            }
            Map<String, List<FrameKey>> committed = byCamera(sink.committed());
            Set<String> corrupted = kvs.faults().corruptedFragments();
            List<ExactlyOnceAudit.Result> audits = new ArrayList<>();
            for (String camera : producers.keySet()) {
                List<FragmentRecord> fragments = kvs.stream(camera).fragments();
                // Every camera must have caught up: its fragments that ended 15 s before the stop
                // are all read.
                audits.add(
                        ExactlyOnceAudit.audit(
                                camera,
                                committed.getOrDefault(camera, List.of()),
                                fragments,
                                corrupted,
                                FPS,
                                stoppedAt - 15_000));
            }
            Map<String, Map<String, Long>> counters = cameraCounters(job.getJobID());
            long restarts = jobRestarts(job.getJobID());
            List<MemoryProbe.Sample> samples = memory.samples();
            writeReport(schedule, driver, audits, counters, restarts, samples, kvs);
            sink.dispose();

            assertEveryFrameOnce(audits);
            assertMetricsAgreeWithFaults(driver, counters, restarts, kvs);
            if (FULL) {
                assertFlat(samples, failoverMinutes(driver));
            }
        }
    }

    private static JobClient startJob(LocalKvs kvs, Set<String> cameras, CommittedFramesSink sink)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
        env.setParallelism(PARALLELISM);
        KvsHlsSourceBuilder<?> builder = sourceFor(kvs);
        cameras.forEach(builder::addStream);
        KvsHlsSource<FrameKey> source =
                builder.setFrameMapper(new PixelIndexMapper(), FrameKey.class).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "cameras")
                .uid("kvs-source")
                .sinkTo(sink)
                .uid("sink");
        return env.executeAsync("soak");
    }

    private static void awaitFramesFromEveryCamera(CommittedFramesSink sink, Set<String> cameras)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (byCamera(sink.committed()).keySet().size() < cameras.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "not every camera committed frames within 90 s: "
                                + byCamera(sink.committed()).keySet());
            }
            Thread.sleep(500);
        }
    }

    private static void sleepUntil(long startedNanos, Duration at) throws InterruptedException {
        long waitNanos = startedNanos + at.toNanos() - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }

    /**
     * Counter totals per camera and name, summed over every task attempt (failovers restart them at
     * 0).
     */
    private static Map<String, Map<String, Long>> cameraCounters(JobID jobId) {
        Map<String, Map<String, Long>> totals = new TreeMap<>();
        METRICS.getMetricsByGroup()
                .forEach(
                        (group, metrics) -> {
                            String camera =
                                    group.getAllVariables()
                                            .get("<" + KvsSourceMetrics.CAMERA_KEY + ">");
                            if (camera == null
                                    || !jobId.toString()
                                            .equals(group.getAllVariables().get("<job_id>"))) {
                                return;
                            }
                            for (Map.Entry<String, Metric> metric : metrics.entrySet()) {
                                if (metric.getValue() instanceof Counter counter) {
                                    totals.computeIfAbsent(camera, c -> new TreeMap<>())
                                            .merge(metric.getKey(), counter.getCount(), Long::sum);
                                }
                            }
                        });
        return totals;
    }

    private static long jobRestarts(JobID jobId) {
        return METRICS.findJobMetricGroups(jobId, "numRestarts").stream()
                .mapToLong(t -> ((Number) ((Gauge<?>) t.f2).getValue()).longValue())
                .max()
                .orElse(-1);
    }

    private static long sum(Map<String, Map<String, Long>> counters, String name) {
        return counters.values().stream().mapToLong(c -> c.getOrDefault(name, 0L)).sum();
    }

    private static void assertEveryFrameOnce(List<ExactlyOnceAudit.Result> audits) {
        for (ExactlyOnceAudit.Result audit : audits) {
            assertThat(audit.committed())
                    .as("frames committed for %s", audit.camera())
                    .isPositive();
            assertThat(audit.exactlyOnce())
                    .as(
                            "%s: %s lost and %s duplicated frames (first: stream indices %s)",
                            audit.camera(), audit.lost(), audit.duplicated(), audit.firstProblems())
                    .isTrue();
        }
    }

    private static void assertMetricsAgreeWithFaults(
            FaultDriver driver,
            Map<String, Map<String, Long>> counters,
            long restarts,
            LocalKvs kvs) {
        // Source and sink are chained, so each of the PARALLELISM pipelines is its own failover
        // region: a lost TaskManager restarts each region it ran, and nothing else may restart any.
        long failovers = driver.count(SoakFault.TASK_MANAGER_FAILOVER);
        assertThat(restarts)
                .as("job restarts after %s TaskManager failovers, and no other failure", failovers)
                .isBetween(failovers, failovers * PARALLELISM);
        long expiries = driver.count(SoakFault.SESSION_EXPIRY);
        counters.forEach(
                (camera, c) ->
                        assertThat(c.getOrDefault(KvsSourceMetrics.RECONNECTS, 0L))
                                .as("%s reconnects after %s session expiries", camera, expiries)
                                .isGreaterThanOrEqualTo(expiries));
        assertThat(sum(counters, KvsSourceMetrics.DECODE_ERRORS))
                .as("corrupt fragments counted")
                .isEqualTo(kvs.faults().injectedCount(FaultKind.CORRUPTION));
        // Each session expiry is one read error for every camera, each failed or reset HLS request
        // one more;
        // a slow answer past the HTTP timeout may add one, and nothing else may.
        counters.forEach(
                (camera, c) ->
                        assertThat(c.getOrDefault(KvsSourceMetrics.READ_ERRORS, 0L))
                                .as("%s read errors after %s session expiries", camera, expiries)
                                .isGreaterThanOrEqualTo(expiries));
        long expected = expiries * counters.size() + driver.hlsRequestFaults();
        assertThat(sum(counters, KvsSourceMetrics.READ_ERRORS))
                .as("read errors against the faults injected")
                .isBetween(
                        expected, expected + driver.count(SoakFault.SLOW_ANSWER) * counters.size());
    }

    private static void assertFlat(List<MemoryProbe.Sample> samples, List<Double> failovers) {
        double half = samples.get(samples.size() - 1).minutes() / 2;
        assertThat(MemoryProbe.slopeMbPerHour(samples, half, true))
                .as("heap slope, MB/h, second half")
                .isLessThan(20);
        assertThat(MemoryProbe.rssSlopeBetweenFailoversMbPerHour(samples, failovers))
                .as("RSS slope between TaskManager failovers, MB/h")
                .isLessThan(20);
    }

    private static List<Double> failoverMinutes(FaultDriver driver) {
        return driver.injected().stream()
                .filter(i -> i.fault().isFailover())
                .map(i -> i.at().toMillis() / 60_000.0)
                .toList();
    }

    private static void writeReport(
            FaultSchedule schedule,
            FaultDriver driver,
            List<ExactlyOnceAudit.Result> audits,
            Map<String, Map<String, Long>> counters,
            long restarts,
            List<MemoryProbe.Sample> samples,
            LocalKvs kvs)
            throws Exception {
        System.setProperty("java.awt.headless", "true");
        SoakReport report =
                new SoakReport()
                        .title("Soak: " + MINUTES + " minutes, " + CAMERAS + " live cameras")
                        .paragraph(
                                "Seed "
                                        + SEED
                                        + "; 320x240 at "
                                        + FPS
                                        + " fps, 2 s fragments; checkpoints every "
                                        + CHECKPOINT_INTERVAL.toSeconds()
                                        + " s; "
                                        + schedule.entries().size()
                                        + " faults; "
                                        + Runtime.getRuntime().availableProcessors()
                                        + " cores; "
                                        + System.getProperty("java.vm.name")
                                        + " "
                                        + System.getProperty("java.version")
                                        + ".");
        List<List<String>> cameraRows = new ArrayList<>();
        for (ExactlyOnceAudit.Result a : audits) {
            Map<String, Long> c = counters.getOrDefault(a.camera(), Map.of());
            cameraRows.add(
                    List.of(
                            a.camera(),
                            "" + a.committed(),
                            "" + a.expected(),
                            "" + a.lost(),
                            "" + a.duplicated(),
                            "" + a.corruptFragments(),
                            "" + a.framesLostToCorruption(),
                            "" + c.getOrDefault(KvsSourceMetrics.FRAMES, 0L),
                            "" + c.getOrDefault(KvsSourceMetrics.RECONNECTS, 0L),
                            "" + c.getOrDefault(KvsSourceMetrics.READ_ERRORS, 0L),
                            "" + c.getOrDefault(KvsSourceMetrics.DECODE_ERRORS, 0L)));
        }
        report.table(
                List.of(
                        "camera",
                        "committed",
                        "expected",
                        "lost",
                        "duplicated",
                        "damaged fragments",
                        "frames in them not delivered",
                        KvsSourceMetrics.FRAMES,
                        KvsSourceMetrics.RECONNECTS,
                        KvsSourceMetrics.READ_ERRORS,
                        KvsSourceMetrics.DECODE_ERRORS),
                cameraRows);
        Map<String, Object> faults = new LinkedHashMap<>();
        for (SoakFault fault : SoakFault.values()) {
            faults.put(fault.name(), driver.count(fault));
        }
        faults.put("job restarts (numRestarts)", restarts);
        faults.put(
                "LocalKvs injected, by kind",
                kvs.faults().injectedTotal() + " " + injectedByKind(kvs));
        report.keyValues(faults);
        if (!samples.isEmpty()) {
            MemoryProbe.Sample first = samples.get(0);
            MemoryProbe.Sample last = samples.get(samples.size() - 1);
            double half = last.minutes() / 2;
            report.keyValues(
                    new LinkedHashMap<>(
                            Map.of(
                                    "heap after GC, first / last sample, MB",
                                    SoakReport.mb(first.heapMb())
                                            + " / "
                                            + SoakReport.mb(last.heapMb()),
                                    "resident memory, first / last sample, MB",
                                    SoakReport.mb(first.rssMb())
                                            + " / "
                                            + SoakReport.mb(last.rssMb()),
                                    "heap slope over the second half, MB/h",
                                    SoakReport.mb(MemoryProbe.slopeMbPerHour(samples, half, true)),
                                    "RSS slope over the second half, MB/h",
                                    SoakReport.mb(
                                            MemoryProbe.slopeMbPerHour(samples, half, false)))));
            List<Double> failovers = failoverMinutes(driver);
            report.keyValues(
                    new LinkedHashMap<>(
                            Map.of(
                                    "RSS slope between failovers (from a minute after each), MB/h",
                                    SoakReport.mb(
                                            MemoryProbe.rssSlopeBetweenFailoversMbPerHour(
                                                    samples, failovers)),
                                    "RSS step across each failover (new TaskManager in this JVM),"
                                            + " MB",
                                    MemoryProbe.rssStepsAtFailovers(samples, failovers).stream()
                                            .map(SoakReport::mb)
                                            .toList()
                                            .toString())));
        }
        List<List<String>> faultRows =
                driver.injected().stream()
                        .map(
                                i ->
                                        List.of(
                                                String.format("%.1f", i.at().toMillis() / 60_000.0),
                                                i.fault().name(),
                                                i.detail()))
                        .toList();
        report.table(List.of("minute", "fault", "detail"), faultRows);
        Path directory = Path.of(System.getProperty("soak.report.dir", "target/soak"));
        report.write(directory, samples);
        LOG.info("Soak report written to {}", directory.toAbsolutePath());
    }

    private static Map<FaultKind, Long> injectedByKind(LocalKvs kvs) {
        Map<FaultKind, Long> byKind = new TreeMap<>();
        for (FaultKind kind : FaultKind.values()) {
            byKind.put(kind, kvs.faults().injectedCount(kind));
        }
        return byKind;
    }
}
