package io.kvsinfer.connector.kvs.source.reader;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LivePollScheduleTest {

    private static final long MS = 1_000_000L;
    private final LivePollSchedule schedule = new LivePollSchedule(Duration.ofSeconds(1), Duration.ofMillis(250));

    @Test
    void theFirstPollIsDueAtOnceAndThenEveryIntervalUntilAFragmentAppears() {
        assertThat(schedule.untilNextPoll(0)).isZero();
        schedule.polled(0, -1);
        assertThat(schedule.untilNextPoll(100 * MS)).isEqualTo(Duration.ofMillis(900));
        assertThat(schedule.untilNextPoll(1200 * MS)).isZero();
    }

    @Test
    void afterANewFragmentItSleepsUntilTheNextIsDueThenPollsFast() {
        schedule.polled(1000 * MS, 2000);
        // The next 2 s fragment is due about 2 s later; polling starts one fast interval early.
        assertThat(schedule.untilNextPoll(1000 * MS)).isEqualTo(Duration.ofMillis(1750));
        schedule.polled(2750 * MS, -1);
        assertThat(schedule.untilNextPoll(2750 * MS)).isEqualTo(Duration.ofMillis(250));
        schedule.polled(3000 * MS, -1);
        assertThat(schedule.untilNextPoll(3100 * MS)).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void aFragmentLateByMoreThanItsDurationFallsBackToTheNormalInterval() {
        schedule.polled(0, 2000);
        schedule.polled(3700 * MS, -1);
        assertThat(schedule.untilNextPoll(3700 * MS)).isEqualTo(Duration.ofMillis(250));
        // Due at 1750 ms; more than 2 s past that, the producer is taken to have paused.
        schedule.polled(3900 * MS, -1);
        assertThat(schedule.untilNextPoll(3900 * MS)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void theFastIntervalNeverExceedsTheNormalOne() {
        LivePollSchedule slowFast = new LivePollSchedule(Duration.ofMillis(300), Duration.ofMillis(500));
        slowFast.polled(0, 2000);
        slowFast.polled(1800 * MS, -1);
        assertThat(slowFast.untilNextPoll(1800 * MS)).isEqualTo(Duration.ofMillis(300));
    }
}
