package io.kvsinfer.connector.kvs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What memory tests and benchmarks measure: this process's resident memory, and trends in samples
 * of it.
 */
public final class ResidentMemory {

    /** Where Linux reports the process's resident memory ({@code VmRSS}). */
    public static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** VmRSS of this process from /proc (Linux). */
    public static long bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read VmRSS from " + STATUS, e);
        }
        throw new IllegalStateException("no VmRSS line in " + STATUS);
    }

    /** {@link #bytes()} in MB. */
    public static double megabytes() {
        return bytes() / (1024.0 * 1024.0);
    }

    /** Least-squares slope of {@code y} against {@code x} over the samples. */
    public static <S> double slope(List<S> samples, ToDoubleFunction<S> x, ToDoubleFunction<S> y) {
        double meanX = samples.stream().mapToDouble(x).average().orElseThrow();
        double meanY = samples.stream().mapToDouble(y).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (S sample : samples) {
            double dx = x.applyAsDouble(sample) - meanX;
            covariance += dx * (y.applyAsDouble(sample) - meanY);
            variance += dx * dx;
        }
        return covariance / variance;
    }
}
