package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.testing.ResidentMemory;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heap and resident memory per live 1080p15 camera at steady state, and the slope of resident
 * memory over a long run of 4 cameras (a native leak shows there first). Each run is a JVM of its
 * own ({@link MemoryProbeMain}: a 2 GB heap, fixed and touched at start as a TaskManager's would
 * be, and 32 MB G1 regions), so that resident memory is that of the source alone, not of earlier
 * benchmarks, and changes only with memory outside the heap. Per camera: the difference between 4
 * cameras and 1, over 3; each level the median of its judged samples.
 *
 * <p>The 4-camera run runs three times at once: with the C library's allocator (glibc's malloc
 * here); the same, asking it before each sample to give back what it keeps free ({@code
 * malloc_trim}, as the heap is sampled after a collection); and with jemalloc preloaded, the
 * allocator Flink's Docker images use by default. glibc's malloc keeps memory freed in its arenas
 * and hands it back rarely, so its resident memory rises in steps of a few MB even without a leak;
 * trimmed, or with jemalloc, which returns freed pages within seconds, a leak shows as a trend and
 * little else does. Without a jemalloc library (found in the usual places or given as {@code
 * -Dbench.jemalloc=path}) that run is left out.
 *
 * <p>Full: 1 camera for 2 minutes (judged: the second minute); 4 cameras for 3 minutes of warm-up,
 * then the 10 judged minutes ({@code -Dbench.memory.judged.minutes=N} judges N). The warm-up is not
 * judged because the JIT compiler fills its code cache for minutes after a start, which is a
 * start-up cost, not a leak. Quick: 20 s runs, 4 s of warm-up. Keys {@code heap_mb_per_camera}
 * (target <= 48), {@code rss_mb_per_camera}, {@code rss_slope_mb_per_hour} (target <= 20, least
 * squares over the judged 10 minutes, default allocator, untrimmed), the same slope split into the
 * JVM's own non-heap pools and the rest ({@code jvm_non_heap_slope_mb_per_hour}, {@code
 * rss_slope_outside_jvm_mb_per_hour}), {@code rss_slope_trimmed_mb_per_hour} and {@code
 * rss_slope_outside_jvm_trimmed_mb_per_hour} for the trimmed run, {@code
 * rss_slope_jemalloc_mb_per_hour} and {@code rss_slope_outside_jvm_jemalloc_mb_per_hour} for the
 * jemalloc run; {@code rss_slope_warm_up_mb_per_hour} shows what the warm-up would have added.
 */
@Tag("benchmark")
class MemoryBenchmark {

    private record Sample(
            double seconds, double heapMb, double rssMb, long frames, double jvmNonHeapMb) {}

    private static final List<String> JEMALLOC_PATHS =
            List.of(
                    "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
                    "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
                    "/usr/lib64/libjemalloc.so.2",
                    "/usr/lib/libjemalloc.so.2",
                    "/usr/local/lib/libjemalloc.so.2");

    @Test
    void memoryPerCameraAndResidentSlope() throws Exception {
        boolean quick = BenchResults.quick();
        int every = quick ? 2 : 10;
        int warmUp = quick ? 4 : 180;
        // -Dbench.memory.judged.minutes=60 judges an hour (what the targets ask; longer than
        // -Pbench's hour).
        int fourSeconds =
                warmUp
                        + (quick
                                ? 16
                                : 60
                                        * BenchResults.intSetting(
                                                "bench.memory.judged.minutes", 10, 10));
        Optional<Path> jemalloc = jemalloc();
        List<Sample> one =
                judged(
                        collect(start(1, quick ? 20 : 120, every, Optional.empty(), false), 1),
                        quick ? warmUp : 60);
        Process fourGlibc = start(4, fourSeconds, every, Optional.empty(), false);
        Process fourTrimmed = start(4, fourSeconds, every, Optional.empty(), true);
        Optional<Process> fourJemalloc =
                jemalloc.isPresent()
                        ? Optional.of(start(4, fourSeconds, every, jemalloc, false))
                        : Optional.empty();
        CompletableFuture<List<Sample>> trimmedSamples =
                CompletableFuture.supplyAsync(() -> collectUnchecked(fourTrimmed, 4));
        CompletableFuture<List<Sample>> jemallocSamples =
                CompletableFuture.supplyAsync(
                        () ->
                                fourJemalloc
                                        .map(process -> collectUnchecked(process, 4))
                                        .orElse(List.of()));
        List<Sample> fourAll;
        try {
            fourAll = collect(fourGlibc, 4);
        } catch (Exception | AssertionError e) {
            fourTrimmed.destroyForcibly();
            fourJemalloc.ifPresent(Process::destroyForcibly);
            throw e;
        }
        List<Sample> four = judged(fourAll, warmUp);
        assertThat(four.get(four.size() - 1).frames()).as("frames read by 4 cameras").isPositive();
        double heapOne = median(one, true);
        double rssOne = median(one, false);
        double heapFour = median(four, true);
        double rssFour = median(four, false);
        double heapPerCamera = (heapFour - heapOne) / 3;
        double rssPerCamera = (rssFour - rssOne) / 3;
        double slope = slopePerHour(four, Sample::rssMb);
        double slopeOutsideJvm = slopePerHour(four, s -> s.rssMb() - s.jvmNonHeapMb());
        double slopeJvmNonHeap = slopePerHour(four, Sample::jvmNonHeapMb);
        double warmUpSlope =
                slopePerHour(fourAll.subList(0, fourAll.size() - four.size() + 1), Sample::rssMb);
        long judgedSeconds =
                Math.round(four.get(four.size() - 1).seconds() - four.get(0).seconds());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("heap_mb_per_camera", round1(heapPerCamera));
        results.put("rss_mb_per_camera", round1(rssPerCamera));
        results.put("rss_slope_mb_per_hour", round1(slope));
        results.put("rss_slope_outside_jvm_mb_per_hour", round1(slopeOutsideJvm));
        results.put("jvm_non_heap_slope_mb_per_hour", round1(slopeJvmNonHeap));
        results.put("rss_slope_warm_up_mb_per_hour", round1(warmUpSlope));
        results.put("memory_heap_mb_1_camera", round1(heapOne));
        results.put("memory_rss_mb_1_camera", round1(rssOne));
        results.put("memory_heap_mb_4_cameras", round1(heapFour));
        results.put("memory_rss_mb_4_cameras", round1(rssFour));
        results.put("memory_warm_up_seconds", warmUp);
        results.put("memory_slope_run_seconds", judgedSeconds);
        BenchTable table =
                new BenchTable(
                                "Memory, live 1920x1080@15 cameras, a JVM per run (-Xms2g -Xmx2g,"
                                        + " heap pre-touched, 32 MB G1 regions)",
                                "cameras",
                                "allocator",
                                "heap after GC (MB)",
                                "resident (MB)",
                                "run (s)")
                        .row(
                                1,
                                "default",
                                round1(heapOne),
                                round1(rssOne),
                                (long) one.get(one.size() - 1).seconds())
                        .row(
                                4,
                                "default",
                                round1(heapFour),
                                round1(rssFour),
                                (long) fourAll.get(fourAll.size() - 1).seconds());
        reportAlongside(
                "trimmed",
                "default, trimmed",
                "trimmed before each sample (malloc_trim)",
                trimmedSamples.get(),
                warmUp,
                results,
                table);
        List<Sample> jemallocAll = jemallocSamples.get();
        if (!jemallocAll.isEmpty()) {
            reportAlongside(
                    "jemalloc",
                    "jemalloc",
                    "with jemalloc (as in Flink's Docker images)",
                    jemallocAll,
                    warmUp,
                    results,
                    table);
        } else {
            table.note(
                    "no jemalloc library found (apt-get install libjemalloc2, or"
                            + " -Dbench.jemalloc=path): its run is left out");
        }
        table.note(
                        String.format(
                                "per camera: heap %.1f MB (target <= 48), resident %.1f MB;"
                                        + " resident slope over the %d s after %d s of warm-up %.1f"
                                        + " MB/h (target <= 20); during the warm-up %.1f MB/h",
                                heapPerCamera,
                                rssPerCamera,
                                judgedSeconds,
                                warmUp,
                                slope,
                                warmUpSlope))
                .note(
                        String.format(
                                "of which the JVM's own non-heap pools (compiled code, class"
                                        + " metadata) %.1f MB/h; resident memory outside them %.1f"
                                        + " MB/h",
                                slopeJvmNonHeap, slopeOutsideJvm))
                .print();
        BenchResults.merge(results);
        writeSamples(fourAll, BenchResults.file().resolveSibling("memory-4-cameras.csv"));
    }

    /** Keys, a table row, a note and a CSV for a 4-camera run beside the default one. */
    private static void reportAlongside(
            String key,
            String allocator,
            String description,
            List<Sample> all,
            int warmUp,
            Map<String, Object> results,
            BenchTable table)
            throws IOException {
        List<Sample> judged = judged(all, warmUp);
        double slope = slopePerHour(judged, Sample::rssMb);
        double slopeOutsideJvm = slopePerHour(judged, s -> s.rssMb() - s.jvmNonHeapMb());
        results.put("rss_slope_" + key + "_mb_per_hour", round1(slope));
        results.put("rss_slope_outside_jvm_" + key + "_mb_per_hour", round1(slopeOutsideJvm));
        results.put("memory_rss_mb_4_cameras_" + key, round1(median(judged, false)));
        table.row(
                4,
                allocator,
                round1(median(judged, true)),
                round1(median(judged, false)),
                (long) all.get(all.size() - 1).seconds());
        table.note(
                String.format(
                        "%s: resident slope %.1f MB/h, outside the JVM's non-heap pools %.1f MB/h",
                        description, slope, slopeOutsideJvm));
        writeSamples(all, BenchResults.file().resolveSibling("memory-4-cameras-" + key + ".csv"));
    }

    private static Optional<Path> jemalloc() {
        String given = System.getProperty("bench.jemalloc");
        if (given != null && !given.isBlank()) {
            Path path = Path.of(given);
            assertThat(path).as("bench.jemalloc").isReadable();
            return Optional.of(path);
        }
        return JEMALLOC_PATHS.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    /** The 4-camera run's samples, for a chart or a second look at the slope. */
    private static void writeSamples(List<Sample> samples, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("seconds,heap_mb,rss_mb,frames,jvm_non_heap_mb");
        for (Sample s : samples) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%.0f,%.1f,%.1f,%d,%.1f",
                            s.seconds(),
                            s.heapMb(),
                            s.rssMb(),
                            s.frames(),
                            s.jvmNonHeapMb()));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }

    private static Process start(
            int cameras, int seconds, int every, Optional<Path> preload, boolean trim)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // The heap fixed and touched up front, as in a TaskManager (Flink sets -Xms to -Xmx):
        // otherwise
        // resident memory creeps up by G1 regions the collector uses for the first time, which is
        // bounded by the heap and hides what a native leak would add.
        ProcessBuilder builder =
                new ProcessBuilder(
                        java.toString(),
                        "-Xms2g",
                        "-Xmx2g",
                        "-XX:+AlwaysPreTouch",
                        "-XX:G1HeapRegionSize=32m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MemoryProbeMain.class.getName(),
                        Integer.toString(cameras),
                        Integer.toString(seconds),
                        Integer.toString(every),
                        trim ? "trim" : "");
        preload.ifPresent(library -> builder.environment().put("LD_PRELOAD", library.toString()));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private static List<Sample> collectUnchecked(Process process, int cameras) {
        try {
            return collect(process, cameras);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the probe's samples until it ends. */
    private static List<Sample> collect(Process process, int cameras)
            throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("SAMPLE ")) {
                    String[] f = line.split(" ");
                    samples.add(
                            new Sample(
                                    Double.parseDouble(f[1]),
                                    Double.parseDouble(f[2]),
                                    Double.parseDouble(f[3]),
                                    Long.parseLong(f[4]),
                                    Double.parseDouble(f[5])));
                }
            }
        }
        if (!process.waitFor(120L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the memory probe with " + cameras + " cameras did not end");
        }
        assertThat(process.exitValue())
                .as("exit code of the memory probe with %s cameras", cameras)
                .isZero();
        assertThat(samples)
                .as("samples of the memory probe with %s cameras", cameras)
                .hasSizeGreaterThanOrEqualTo(4);
        return samples;
    }

    /** The samples taken at or after {@code warmUpSeconds}. */
    private static List<Sample> judged(List<Sample> samples, int warmUpSeconds) {
        List<Sample> judged = samples.stream().filter(s -> s.seconds() >= warmUpSeconds).toList();
        assertThat(judged)
                .as("samples after %s s of warm-up", warmUpSeconds)
                .hasSizeGreaterThanOrEqualTo(3);
        return judged;
    }

    private static double median(List<Sample> samples, boolean heap) {
        List<Double> values = new ArrayList<>();
        for (Sample s : samples) {
            values.add(heap ? s.heapMb() : s.rssMb());
        }
        values.sort(null);
        return values.get(values.size() / 2);
    }

    /** Least-squares slope of {@code value} over the samples, in MB per hour. */
    private static double slopePerHour(List<Sample> samples, ToDoubleFunction<Sample> value) {
        return ResidentMemory.slope(samples, Sample::seconds, value) * 3600;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
