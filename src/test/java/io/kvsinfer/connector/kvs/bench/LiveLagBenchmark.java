package io.kvsinfer.connector.kvs.bench;

import org.apache.flink.core.execution.JobClient;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live lag at 4 live 720p15 cameras: from a fragment becoming available in LocalKvs to its first
 * frame leaving the source (see {@link LiveProbe}), as an HdrHistogram. FFmpeg's and OpenCV's HLS
 * readers start three fragments behind live; the source starts at the newest fragment and polls the
 * playlist fast while the next fragment is due.
 *
 * <p>Full: 120 s measured. Quick: 16 s. Keys {@code live_lag_p50_ms}, {@code live_lag_p99_ms}
 * (target p99 <= 500 ms), chart {@code target/bench/live-lag.png}.
 */
@Tag("benchmark")
class LiveLagBenchmark {

    private static final int CAMERAS = 4;

    @Test
    void lagFromFragmentAvailableToFirstFrameOut() throws Exception {
        int seconds = BenchResults.intSetting("bench.lag.seconds", 16, 120);
        Histogram lag;
        try (LiveRig rig = new LiveRig(1280, 720, 15)) {
            List<String> cameras = rig.cameras(CAMERAS);
            JobClient job = rig.start(cameras, 2, b -> b);
            try {
                Thread.sleep(2 * rig.fragmentMillis() + 2000);
                LiveProbe.lagSinceLastCall();
                Thread.sleep(seconds * 1000L);
                lag = LiveProbe.lagSinceLastCall();
            } finally {
                job.cancel().get();
            }
        }
        assertThat(lag.getTotalCount())
                .as("fragments measured")
                .isGreaterThanOrEqualTo(CAMERAS * (seconds / 2L - 1));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("live_lag_p50_ms", lag.getValueAtPercentile(50));
        results.put("live_lag_p99_ms", lag.getValueAtPercentile(99));
        results.put("live_lag_max_ms", lag.getMaxValue());
        results.put("live_lag_fragments", lag.getTotalCount());
        new BenchTable(
                        String.format(
                                "Live lag, %d cameras 1280x720@15, 2 s fragments, %d s",
                                CAMERAS, seconds),
                        "percentile",
                        "ms")
                .row("p50", lag.getValueAtPercentile(50))
                .row("p90", lag.getValueAtPercentile(90))
                .row("p99", lag.getValueAtPercentile(99))
                .row("max", lag.getMaxValue())
                .note(lag.getTotalCount() + " fragments; target p99 <= 500 ms")
                .print();
        BenchResults.merge(results);
        BenchCharts.lagDistribution(lag, BenchResults.file().resolveSibling("live-lag.png"));
    }
}
