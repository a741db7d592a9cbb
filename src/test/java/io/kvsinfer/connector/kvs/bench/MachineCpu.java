package io.kvsinfer.connector.kvs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time from Linux's {@code /proc/stat}, to tell a benchmark step slowed by
 * the machine (time stolen by the hypervisor, other processes) from one slowed by its own code.
 * Zero everywhere where {@code /proc/stat} cannot be read.
 */
record MachineCpu(long busyTicks, long stealTicks, long totalTicks, long processNanos, long at) {

    private static final Path STAT = Path.of("/proc/stat");

    /** Now. */
    static MachineCpu now() {
        long processNanos = ThreadCpuMeter.processCpuNanos();
        long at = System.nanoTime();
        try {
            String line = Files.readAllLines(STAT).get(0);
            // cpu user nice system idle iowait irq softirq steal guest guest_nice
            String[] f = line.trim().split("\\s+");
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long total = 0;
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                total += Long.parseLong(f[i]);
            }
            return new MachineCpu(total - idle - steal, steal, total, processNanos, at);
        } catch (IOException | RuntimeException e) {
            return new MachineCpu(0, 0, 0, processNanos, at);
        }
    }

    /** The share of all cores' time the hypervisor gave to others since {@code earlier}. */
    double stealShareSince(MachineCpu earlier) {
        long total = totalTicks - earlier.totalTicks;
        return total <= 0 ? 0 : (stealTicks - earlier.stealTicks) / (double) total;
    }

    /**
     * Cores busy outside this JVM since {@code earlier}: the machine's busy time less this
     * process's CPU time, over the wall time.
     */
    double otherCoresSince(MachineCpu earlier) {
        long total = totalTicks - earlier.totalTicks;
        double wallSeconds = (at - earlier.at) / 1e9;
        if (total <= 0 || wallSeconds <= 0) {
            return 0;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double busyCores = (busyTicks - earlier.busyTicks) / (double) total * cores;
        double processCores = (processNanos - earlier.processNanos) / 1e9 / wallSeconds;
        return Math.max(0, busyCores - processCores);
    }

    /** Cores this JVM used since {@code earlier}. */
    double processCoresSince(MachineCpu earlier) {
        double wallSeconds = (at - earlier.at) / 1e9;
        return wallSeconds <= 0 ? 0 : (processNanos - earlier.processNanos) / 1e9 / wallSeconds;
    }
}
