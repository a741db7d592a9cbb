package io.kvsinfer.connector.kvs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * CPU time of this JVM's threads whose names match, including threads that ended: a background
 * sampler remembers each thread's last reading (thread ids are never reused), so a pool thread that
 * times out loses at most one sampling interval of its time instead of all of it.
 */
public final class ThreadCpuMeter implements AutoCloseable {

    private record Reading(String name, long cpuNanos) {}

    /** The threads of LocalKvs's HTTP server (the JDK's dispatcher and LocalKvs's workers). */
    public static final Predicate<String> LOCALKVS_THREADS =
            n ->
                    n.startsWith("localkvs-")
                            || n.equals("HTTP-Dispatcher")
                            || n.equals("idle-timeout-task");

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Predicate<String> names;
    private final Map<Long, Reading> last = new HashMap<>();
    private final ScheduledExecutorService sampler;

    public ThreadCpuMeter(Predicate<String> names, Duration every) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        this.names = names;
        this.sampler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "bench-cpu-sampler");
                            t.setDaemon(true);
                            return t;
                        });
        sample();
        sampler.scheduleAtFixedRate(
                this::sample, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** CPU nanoseconds of all matching threads seen so far, alive or not. */
    public long totalNanos() {
        return totalNanos(n -> true);
    }

    /**
     * CPU nanoseconds of the matching threads seen so far whose names also match {@code subset}.
     */
    public synchronized long totalNanos(Predicate<String> subset) {
        sample();
        long total = 0;
        for (Reading r : last.values()) {
            if (subset.test(r.name())) {
                total += r.cpuNanos();
            }
        }
        return total;
    }

    /** How many matching threads were seen so far. */
    public synchronized int threadsSeen() {
        return last.size();
    }

    private synchronized void sample() {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null || !names.test(info.getThreadName())) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                last.merge(
                        info.getThreadId(),
                        new Reading(info.getThreadName(), cpu),
                        (a, b) -> b.cpuNanos() >= a.cpuNanos() ? b : a);
            }
        }
    }

    /** CPU nanoseconds this whole process used so far (all threads, GC and JIT included). */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
