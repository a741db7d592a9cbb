package io.kvsinfer.connector.kvs.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples this JVM's heap after a full collection and its resident memory, and fits a line through
 * the samples. Thread-safe.
 */
final class MemoryProbe {

    /** One sample; {@code heapMb} excludes what the test harness itself keeps. */
    record Sample(double minutes, double heapMb, double rssMb) {}

    private static final double MB = 1024.0 * 1024.0;

    private final long startNanos = System.nanoTime();
    private final LongSupplier harnessBytes;
    private final List<Sample> samples = new ArrayList<>();

    /** @param harnessBytes heap the test itself keeps on purpose (the committed frames), subtracted */
    MemoryProbe(LongSupplier harnessBytes) {
        this.harnessBytes = harnessBytes;
    }

    synchronized Sample sample() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - harnessBytes.getAsLong();
        Sample sample = new Sample((System.nanoTime() - startNanos) / 60e9, heap / MB, residentBytes() / MB);
        samples.add(sample);
        return sample;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Least-squares slope in MB per hour over the samples taken from {@code fromMinute} on. */
    static double slopeMbPerHour(List<Sample> samples, double fromMinute, boolean heap) {
        List<Sample> tail = samples.stream().filter(s -> s.minutes() >= fromMinute).toList();
        if (tail.size() < 3) {
            return Double.NaN;
        }
        double meanX = tail.stream().mapToDouble(Sample::minutes).average().orElseThrow();
        double meanY = tail.stream().mapToDouble(s -> heap ? s.heapMb() : s.rssMb()).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (Sample s : tail) {
            double dx = s.minutes() - meanX;
            covariance += dx * ((heap ? s.heapMb() : s.rssMb()) - meanY);
            variance += dx * dx;
        }
        return covariance / variance * 60;
    }

    /** VmRSS of this process from /proc (Linux). */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read VmRSS from /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
