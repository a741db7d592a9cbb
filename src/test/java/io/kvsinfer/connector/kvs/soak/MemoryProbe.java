package io.kvsinfer.connector.kvs.soak;

import io.kvsinfer.connector.kvs.testing.ResidentMemory;

import java.lang.management.ManagementFactory;
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

    /**
     * @param harnessBytes heap the test itself keeps on purpose (the committed frames), subtracted
     */
    MemoryProbe(LongSupplier harnessBytes) {
        this.harnessBytes = harnessBytes;
    }

    synchronized Sample sample() {
        System.gc();
        long heap =
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                        - harnessBytes.getAsLong();
        Sample sample =
                new Sample(
                        (System.nanoTime() - startNanos) / 60e9,
                        heap / MB,
                        ResidentMemory.bytes() / MB);
        samples.add(sample);
        return sample;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Least-squares slope in MB per hour over the samples taken from {@code fromMinute} on. */
    static double slopeMbPerHour(List<Sample> samples, double fromMinute, boolean heap) {
        return slopeMbPerHour(samples, fromMinute, Double.MAX_VALUE, heap);
    }

    /**
     * Resident memory between failovers: the slope within each stretch from a minute after one
     * failover to the next, averaged weighted by the stretch's length. A failover starts a new
     * TaskManager in this JVM, which steps resident memory up once; steady growth between failovers
     * is what a leak in the reading path would show.
     */
    static double rssSlopeBetweenFailoversMbPerHour(
            List<Sample> samples, List<Double> failoverMinutes) {
        List<Double> bounds = new java.util.ArrayList<>();
        bounds.add(samples.get(0).minutes() + 3);
        failoverMinutes.forEach(f -> bounds.add(f));
        bounds.add(samples.get(samples.size() - 1).minutes() + 1);
        double weighted = 0;
        double total = 0;
        for (int i = 0; i + 1 < bounds.size(); i++) {
            double from = i == 0 ? bounds.get(0) : bounds.get(i) + 1;
            double to = bounds.get(i + 1);
            double slope = slopeMbPerHour(samples, from, to, false);
            if (!Double.isNaN(slope) && to - from >= 3) {
                weighted += slope * (to - from);
                total += to - from;
            }
        }
        return total == 0 ? Double.NaN : weighted / total;
    }

    /**
     * How much resident memory rose across each failover: after (1 to 3 min) minus before (2 min).
     */
    static List<Double> rssStepsAtFailovers(List<Sample> samples, List<Double> failoverMinutes) {
        List<Double> steps = new java.util.ArrayList<>();
        for (double f : failoverMinutes) {
            double before =
                    samples.stream()
                            .filter(s -> s.minutes() >= f - 2 && s.minutes() < f)
                            .mapToDouble(Sample::rssMb)
                            .average()
                            .orElse(Double.NaN);
            double after =
                    samples.stream()
                            .filter(s -> s.minutes() >= f + 1 && s.minutes() < f + 3)
                            .mapToDouble(Sample::rssMb)
                            .average()
                            .orElse(Double.NaN);
            steps.add(after - before);
        }
        return steps;
    }

    private static double slopeMbPerHour(
            List<Sample> samples, double fromMinute, double toMinute, boolean heap) {
        List<Sample> tail =
                samples.stream()
                        .filter(s -> s.minutes() >= fromMinute && s.minutes() < toMinute)
                        .toList();
        if (tail.size() < 3) {
            return Double.NaN;
        }
        return ResidentMemory.slope(
                        tail, Sample::minutes, sample -> heap ? sample.heapMb() : sample.rssMb())
                * 60;
    }
}
