package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.testing.ResidentMemory;

import org.apache.flink.core.execution.JobClient;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

/**
 * Runs in a JVM of its own (see {@link MemoryBenchmark}): N live 1080p15 cameras read by a Flink
 * job in this process, printing heap after a full collection and resident memory every few seconds
 * as {@code SAMPLE <seconds> <heap MB> <rss MB> <frames> <JVM non-heap MB>}. The last is what the
 * JVM itself commits outside the heap for compiled code, class metadata and the like (its non-heap
 * memory pools), which grows for minutes while the JIT compiler warms up.
 *
 * <p>Arguments: cameras, seconds to run, seconds between samples, and optionally {@code trim}:
 * before each sample, ask glibc's allocator to give the memory it keeps free back to the system
 * ({@code malloc_trim(0)}), so that resident memory, like the heap after a collection, counts
 * memory in use rather than memory the allocator holds on to.
 */
public final class MemoryProbeMain {

    private MemoryProbeMain() {}

    public static void main(String[] args) throws Exception {
        int cameras = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int every = Integer.parseInt(args[2]);
        boolean trim = args.length > 3 && args[3].equals("trim");
        try (LiveRig rig = new LiveRig(1920, 1080, 15)) {
            List<String> names = rig.cameras(cameras);
            JobClient job = rig.start(names, 2, b -> b);
            long started = System.nanoTime();
            try {
                for (int t = every; t <= seconds; t += every) {
                    Thread.sleep(
                            Math.max(0, started + t * 1_000_000_000L - System.nanoTime())
                                    / 1_000_000L);
                    System.gc();
                    if (trim) {
                        Pointer.trimMemory();
                    }
                    double heap =
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                                    / 1048576.0;
                    System.out.printf(
                            Locale.ROOT,
                            "SAMPLE %d %.1f %.1f %d %.1f%n",
                            t,
                            heap,
                            ResidentMemory.megabytes(),
                            LiveProbe.frames(),
                            jvmNonHeapMb());
                }
            } finally {
                job.cancel().get();
            }
        }
        System.exit(0);
    }

    private static double jvmNonHeapMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(pool -> pool.getType() == MemoryType.NON_HEAP)
                        .mapToLong(pool -> pool.getUsage().getCommitted())
                        .sum()
                / 1048576.0;
    }
}
