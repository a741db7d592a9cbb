package io.kvsinfer.connector.kvs.source.metrics;

import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class CameraMetricsTest {

    @Test
    void camerasOnTheirOwnThreadsAddEveryByteToTheReadersNumBytesIn() throws Exception {
        SimpleCounter numBytesIn = new SimpleCounter();
        ThreadSafeCounter shared = new ThreadSafeCounter(numBytesIn);
        int cameras = 16;
        int fragments = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<CameraMetrics> metrics = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            CameraMetrics camera =
                    new CameraMetrics(new UnregisteredMetricsGroup(), "cam-" + c, shared);
            metrics.add(camera);
            int bytes = 1000 + c;
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    go.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                }
                                for (int f = 0; f < fragments; f++) {
                                    camera.fragmentRead(bytes);
                                }
                            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        long served = 0;
        for (int c = 0; c < cameras; c++) {
            served += (long) (1000 + c) * fragments;
        }
        // Without the lock, 16 threads incrementing one plain counter lose a good share of their
        // updates.
        assertThat(numBytesIn.getCount()).isEqualTo(served);
        metrics.forEach(CameraMetrics::close);
    }

    @Test
    void aCameraIsDisconnectedBeforeItConnectsAndAfterItCloses() {
        CameraMetrics metrics =
                new CameraMetrics(new UnregisteredMetricsGroup(), "cam", new SimpleCounter());
        assertThat(metrics.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(ConnectionState.DISCONNECTED.code()).as("the Python reader's 0").isZero();
        metrics.state(ConnectionState.ERROR);
        assertThat(metrics.state().code()).isEqualTo(4);
        metrics.close();
        assertThat(metrics.state()).isEqualTo(ConnectionState.DISCONNECTED);
    }
}
