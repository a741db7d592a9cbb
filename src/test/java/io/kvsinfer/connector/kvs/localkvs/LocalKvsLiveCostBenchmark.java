package io.kvsinfer.connector.kvs.localkvs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * Not a test: measures the CPU LocalKvs's own threads spend hosting N live cameras with no
 * readers (the producer tick and retention), and prints it. With media that re-times real video,
 * add the cost of serving fragments on top.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp) \
 *     io.kvsinfer.connector.kvs.localkvs.LocalKvsLiveCostBenchmark [cameras] [seconds]</pre>
 */
public final class LocalKvsLiveCostBenchmark {

    public static void main(String[] args) throws Exception {
        int cameras = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LocalKvs kvs = LocalKvs.builder().retention(Duration.ofMinutes(10)).build().start()) {
            for (int i = 0; i < cameras; i++) {
                kvs.createStream("cam-" + i).startLive(new TestMedia("c" + i, 15, 2000));
            }
            long before = localKvsCpuNanos(threads);
            long wallStart = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu = localKvsCpuNanos(threads) - before;
            long wall = System.nanoTime() - wallStart;
            System.out.printf(
                    "%d live cameras, %d s: LocalKvs threads used %.3f%% of one core (%.4f%% per camera)%n",
                    cameras, seconds, 100.0 * cpu / wall, 100.0 * cpu / wall / cameras);
        }
    }

    private static long localKvsCpuNanos(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("localkvs-")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
