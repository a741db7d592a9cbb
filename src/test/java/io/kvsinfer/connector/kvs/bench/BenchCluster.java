package io.kvsinfer.connector.kvs.bench;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster a benchmark's jobs share: it stays up from job to job, as a job runs on a cluster
 * that is already there. A MiniCluster of its own per job loads its RPC system's classes in a class
 * loader of its own each time (about 1,500 classes, loaded and JIT-compiled again: 1 to 1.5 s of
 * compiler time competing with the job measured).
 */
final class BenchCluster {

    private BenchCluster() {}

    /** One TaskManager with two slots: parallelism up to 2, as the benchmarks use. */
    static MiniClusterExtension shared() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }
}
