package io.kvsinfer.connector.kvs.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MemoryProbeTest {

    /**
     * Resident memory flat at 500 MB, stepping up 10 MB a minute after each failover; heap rising
     * 30 MB/h.
     */
    private static List<MemoryProbe.Sample> samples(List<Double> failovers, double leakMbPerHour) {
        List<MemoryProbe.Sample> samples = new ArrayList<>();
        for (double minute = 0; minute <= 60; minute += 0.5) {
            double m = minute;
            long stepsBefore = failovers.stream().filter(f -> f + 0.5 <= m).count();
            samples.add(
                    new MemoryProbe.Sample(
                            minute,
                            100 + minute / 2,
                            500 + 10 * stepsBefore + leakMbPerHour * minute / 60));
        }
        return samples;
    }

    @Test
    void stepsAtFailoversAreNotASlopeButSteadyGrowthIs() {
        List<Double> failovers = List.of(5.0, 15.0, 25.0, 35.0, 45.0, 55.0);
        List<MemoryProbe.Sample> flat = samples(failovers, 0);
        assertThat(MemoryProbe.rssSlopeBetweenFailoversMbPerHour(flat, failovers))
                .isCloseTo(0, within(0.01));
        assertThat(MemoryProbe.rssStepsAtFailovers(flat, failovers))
                .allSatisfy(step -> assertThat(step).isCloseTo(10, within(0.01)));
        assertThat(MemoryProbe.slopeMbPerHour(flat, 30, false)).isGreaterThan(20);
        assertThat(MemoryProbe.slopeMbPerHour(flat, 30, true)).isCloseTo(30, within(0.01));

        List<MemoryProbe.Sample> leaking = samples(failovers, 40);
        assertThat(MemoryProbe.rssSlopeBetweenFailoversMbPerHour(leaking, failovers))
                .isCloseTo(40, within(0.01));
    }
}
