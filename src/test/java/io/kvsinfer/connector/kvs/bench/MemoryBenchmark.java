package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.testing.ResidentMemory;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heap and resident memory per live 1080p15 camera at steady state, and the slope of resident
 * memory over a long run of 4 cameras (a native leak shows there first). Each run is a JVM of its
 * own ({@link MemoryProbeMain}, same options as the tests: 2 GB heap, 32 MB G1 regions), so that
 * resident memory is that of the source alone, not of earlier benchmarks. Per camera: the
 * difference between 4 cameras and 1, over 3; each level the median of the second half of its
 * samples.
 *
 * <p>Full: 1 camera for 2 minutes, 4 cameras for 10 minutes. Quick: 16 s each. Keys {@code
 * heap_mb_per_camera} (target <= 48), {@code rss_mb_per_camera}, {@code rss_slope_mb_per_hour}
 * (target <= 20, fit over the second half of the 4-camera run), and the same slope split into the
 * JVM's own non-heap pools and the rest ({@code jvm_non_heap_slope_mb_per_hour}, {@code
 * rss_slope_outside_jvm_mb_per_hour}): the JIT compiler fills its code cache for minutes.
 */
@Tag("benchmark")
class MemoryBenchmark {

    private record Sample(double seconds, double heapMb, double rssMb, long frames, double jvmNonHeapMb) {}

    @Test
    void memoryPerCameraAndResidentSlope() throws Exception {
        boolean quick = BenchResults.quick();
        List<Sample> one = run(1, quick ? 16 : 120, quick ? 4 : 10);
        List<Sample> four = run(4, quick ? 16 : 600, quick ? 4 : 10);
        assertThat(four.get(four.size() - 1).frames()).as("frames read by 4 cameras").isPositive();
        double heapPerCamera = (secondHalfMedian(four, true) - secondHalfMedian(one, true)) / 3;
        double rssPerCamera = (secondHalfMedian(four, false) - secondHalfMedian(one, false)) / 3;
        List<Sample> secondHalf = four.subList(four.size() / 2, four.size());
        double slope = slopePerHour(secondHalf, Sample::rssMb);
        double slopeOutsideJvm = slopePerHour(secondHalf, s -> s.rssMb() - s.jvmNonHeapMb());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("heap_mb_per_camera", round1(heapPerCamera));
        results.put("rss_mb_per_camera", round1(rssPerCamera));
        results.put("rss_slope_mb_per_hour", round1(slope));
        results.put("rss_slope_outside_jvm_mb_per_hour", round1(slopeOutsideJvm));
        results.put("jvm_non_heap_slope_mb_per_hour", round1(slopePerHour(secondHalf, Sample::jvmNonHeapMb)));
        results.put("memory_heap_mb_1_camera", round1(secondHalfMedian(one, true)));
        results.put("memory_rss_mb_1_camera", round1(secondHalfMedian(one, false)));
        results.put("memory_heap_mb_4_cameras", round1(secondHalfMedian(four, true)));
        results.put("memory_rss_mb_4_cameras", round1(secondHalfMedian(four, false)));
        results.put("memory_slope_run_seconds", (long) four.get(four.size() - 1).seconds());
        new BenchTable("Memory, live 1920x1080@15 cameras, a JVM per run (-Xmx2g, 32 MB G1 regions)",
                "cameras", "heap after GC (MB)", "resident (MB)", "run (s)")
                .row(1, round1(secondHalfMedian(one, true)), round1(secondHalfMedian(one, false)),
                        (long) one.get(one.size() - 1).seconds())
                .row(4, round1(secondHalfMedian(four, true)), round1(secondHalfMedian(four, false)),
                        (long) four.get(four.size() - 1).seconds())
                .note(String.format("per camera: heap %.1f MB (target <= 48), resident %.1f MB; resident slope over the"
                        + " second half of the 4-camera run %.1f MB/h (target <= 20)", heapPerCamera, rssPerCamera, slope))
                .note(String.format("of which the JVM's own non-heap pools (compiled code, class metadata) %.1f MB/h;"
                        + " resident memory outside them %.1f MB/h", slopePerHour(secondHalf, Sample::jvmNonHeapMb),
                        slopeOutsideJvm))
                .print();
        BenchResults.merge(results);
    }

    private static List<Sample> run(int cameras, int seconds, int every) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx2g", "-XX:G1HeapRegionSize=32m",
                "-cp", System.getProperty("java.class.path"), MemoryProbeMain.class.getName(),
                Integer.toString(cameras), Integer.toString(seconds), Integer.toString(every));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        List<Sample> samples = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("SAMPLE ")) {
                    String[] f = line.split(" ");
                    samples.add(new Sample(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                            Long.parseLong(f[4]), Double.parseDouble(f[5])));
                }
            }
        }
        if (!process.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the memory probe with " + cameras + " cameras did not end");
        }
        assertThat(process.exitValue()).as("exit code of the memory probe with %s cameras", cameras).isZero();
        assertThat(samples).as("samples of the memory probe with %s cameras", cameras).hasSizeGreaterThanOrEqualTo(4);
        return samples;
    }

    private static double secondHalfMedian(List<Sample> samples, boolean heap) {
        List<Double> values = new ArrayList<>();
        for (Sample s : samples.subList(samples.size() / 2, samples.size())) {
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
