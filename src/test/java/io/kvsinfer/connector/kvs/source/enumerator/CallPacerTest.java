package io.kvsinfer.connector.kvs.source.enumerator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallPacerTest {

    /** A clock that only moves when the pacer sleeps or the test says so. */
    private static final class FakeClock implements CallPacer.Clock {
        long nanos = 5_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public void sleepNanos(long duration) {
            sleeps.add(duration);
            nanos += duration;
        }
    }

    @Test
    void callsAreSpacedEvenlyWithoutABurst() throws Exception {
        FakeClock clock = new FakeClock();
        CallPacer pacer = new CallPacer(4, clock);
        for (int i = 0; i < 5; i++) {
            pacer.acquire();
        }
        assertThat(clock.sleeps)
                .containsExactly(250_000_000L, 250_000_000L, 250_000_000L, 250_000_000L);
    }

    @Test
    void timeSpentCallingCountsAndIdleTimeSavesNoPermits() throws Exception {
        FakeClock clock = new FakeClock();
        CallPacer pacer = new CallPacer(4, clock);
        pacer.acquire();
        clock.nanos += 100_000_000L; // the call took 100 ms
        pacer.acquire();
        assertThat(clock.sleeps).containsExactly(150_000_000L);
        clock.nanos += 10_000_000_000L; // idle for 10 s
        pacer.acquire();
        pacer.acquire();
        assertThat(clock.sleeps).containsExactly(150_000_000L, 250_000_000L);
    }

    @Test
    void theIntervalIsRoundedUpSoThePaceNeverExceedsTheRate() throws Exception {
        FakeClock clock = new FakeClock();
        CallPacer pacer = new CallPacer(3, clock);
        pacer.acquire();
        pacer.acquire();
        assertThat(clock.sleeps).containsExactly(333_333_334L);
    }

    @Test
    void aRateBelowOneIsRejectedWithTheValue() {
        assertThatThrownBy(() -> new CallPacer(0, new FakeClock()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("callsPerSecond must be at least 1 but was 0.");
    }
}
