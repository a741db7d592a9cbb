package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.config.SamplingMode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameSelectorTest {

    private static List<Long> select(FrameSelector selector, long from, long to, long step) {
        List<Long> kept = new ArrayList<>();
        for (long t = from; t <= to; t += step) {
            if (selector.select(t, t % 2000 == 0)) {
                kept.add(t);
            }
        }
        return kept;
    }

    @Test
    void fpsSamplingKeepsTheFirstFrameOfEachSlot() {
        FrameSelector selector = new FrameSelector(SamplingMode.FPS, 2.0, -1, -1, -1);
        // A frame every 33 ms for two seconds: the first frame in each 500 ms slot.
        List<Long> kept = select(selector, 10_000, 11_999, 33);
        assertThat(kept).containsExactly(10_000L, 10_528L, 11_023L, 11_518L);
    }

    @Test
    void fpsSamplingContinuesIdenticallyAfterARestore() {
        FrameSelector whole = new FrameSelector(SamplingMode.FPS, 3.0, -1, -1, -1);
        List<Long> expected = select(whole, 0, 5_000, 40);

        FrameSelector before = new FrameSelector(SamplingMode.FPS, 3.0, -1, -1, -1);
        List<Long> first = select(before, 0, 2_000, 40);
        FrameSelector after =
                new FrameSelector(SamplingMode.FPS, 3.0, -1, -1, before.lastEmittedMillis());
        List<Long> second = select(after, 2_040, 5_000, 40);
        first.addAll(second);
        assertThat(first).isEqualTo(expected);
    }

    @Test
    void keyFramesOnly() {
        FrameSelector selector = new FrameSelector(SamplingMode.KEY_FRAMES, 0, -1, -1, -1);
        assertThat(select(selector, 0, 6_000, 100)).containsExactly(0L, 2_000L, 4_000L, 6_000L);
    }

    @Test
    void rangeIsInclusiveAndStopEndsTheRead() {
        FrameSelector selector = new FrameSelector(SamplingMode.ALL_FRAMES, 0, 1_000, 1_200, -1);
        assertThat(select(selector, 900, 1_300, 100)).containsExactly(1_000L, 1_100L, 1_200L);
        assertThat(selector.isPastStop()).isTrue();
    }
}
