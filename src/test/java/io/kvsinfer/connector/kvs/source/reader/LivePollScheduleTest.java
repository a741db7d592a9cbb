package io.kvsinfer.connector.kvs.source.reader;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LivePollScheduleTest {

    private final LivePollSchedule schedule =
            new LivePollSchedule(Duration.ofSeconds(1), Duration.ofMillis(250));

    @Test
    void theFirstPollIsDueAtOnceAndThenEveryIntervalUntilAFragmentAppears() {
        assertThat(schedule.untilNextPoll(0)).isZero();
        schedule.polled(0);
        assertThat(schedule.untilNextPoll(100)).isEqualTo(Duration.ofMillis(900));
        assertThat(schedule.untilNextPoll(1200)).isZero();
    }

    @Test
    void afterAFragmentItSleepsUntilTheNextEndsThenPollsFast() {
        // The newest fragment ended at 10 000 and was seen at 11 700 (first sighting: no delay
        // learnt).
        schedule.foundFragment(11_700, 10_000, 2000);
        assertThat(schedule.untilNextPoll(11_700)).isEqualTo(Duration.ofMillis(300));
        schedule.polled(12_000);
        assertThat(schedule.untilNextPoll(12_000)).isEqualTo(Duration.ofMillis(250));
        schedule.polled(12_250);
        assertThat(schedule.untilNextPoll(12_300)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void theSearchStartsOneFastIntervalBeforeTheSmallestDelayObserved() {
        schedule.foundFragment(11_700, 10_000, 2000);
        // Looked from 12 000 on, found at 12 750: the fragment appeared 500 to 750 ms after it
        // ended.
        schedule.foundFragment(12_750, 12_000, 2000);
        assertThat(schedule.untilNextPoll(12_750))
                .isEqualTo(Duration.ofMillis(2000 + 750 - 250 - 750));
        // A poll long before the search window does not teach anything.
        schedule.foundFragment(14_400, 14_000, 2000);
        assertThat(schedule.untilNextPoll(14_400))
                .isEqualTo(Duration.ofMillis(16_000 + 750 - 250 - 14_400));
    }

    @Test
    void aFragmentLateByMoreThanItsDurationFallsBackToTheNormalInterval() {
        schedule.foundFragment(10_000, 10_000, 2000);
        schedule.polled(13_900);
        assertThat(schedule.untilNextPoll(13_900)).isEqualTo(Duration.ofMillis(250));
        schedule.polled(14_100);
        // Due at 12 000; more than 2 s past that, the producer is taken to have paused.
        assertThat(schedule.untilNextPoll(14_100)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void theFastIntervalNeverExceedsTheNormalOne() {
        LivePollSchedule slowFast =
                new LivePollSchedule(Duration.ofMillis(300), Duration.ofMillis(500));
        slowFast.foundFragment(0, 0, 2000);
        slowFast.polled(2100);
        assertThat(slowFast.untilNextPoll(2100)).isEqualTo(Duration.ofMillis(300));
    }
}
