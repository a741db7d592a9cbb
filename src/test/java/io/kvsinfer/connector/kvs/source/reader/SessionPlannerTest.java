package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SessionPlannerTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long HOUR = Duration.ofHours(1).toMillis();

    @Test
    void latestStartsAtTheLiveEdge() {
        SessionPlanner planner = new SessionPlanner(StartingPosition.latest(), -1);
        assertThat(planner.initial(NOW, 0).kind()).isEqualTo(SessionPlan.Kind.LIVE_EDGE);
    }

    @Test
    void timestampInThePastCatchesUpWithLookback() {
        long start = NOW - 2 * HOUR;
        SessionPlan plan =
                new SessionPlanner(StartingPosition.fromTimestamp(start), -1).initial(NOW, 0);
        assertThat(plan.kind()).isEqualTo(SessionPlan.Kind.CATCH_UP);
        assertThat(plan.fromMillis()).isEqualTo(start - SessionPlanner.START_LOOKBACK_MILLIS);
        assertThat(plan.toMillis()).isEqualTo(NOW);
    }

    @Test
    void recentTimestampFollowsLiveDirectly() {
        SessionPlan plan =
                new SessionPlanner(StartingPosition.fromTimestamp(NOW - 5_000), -1).initial(NOW, 0);
        assertThat(plan.kind()).isEqualTo(SessionPlan.Kind.FOLLOW_LIVE);
    }

    @Test
    void longRangesAreSplitIntoDaysAndEndAtTheStop() {
        long start = NOW - 50 * HOUR;
        long stop = NOW - HOUR;
        SessionPlanner planner = new SessionPlanner(StartingPosition.fromTimestamp(start), stop);
        SessionPlan first = planner.initial(NOW, 0);
        assertThat(first.toMillis() - first.fromMillis())
                .isEqualTo(SessionPlanner.MAX_RANGE_MILLIS);
        SessionPlan second = planner.afterCatchUp(first, NOW);
        assertThat(second.fromMillis()).isEqualTo(first.toMillis() + 1);
        SessionPlan third = planner.afterCatchUp(second, NOW);
        assertThat(third.toMillis()).isEqualTo(stop);
        assertThat(planner.afterCatchUp(third, NOW).kind()).isEqualTo(SessionPlan.Kind.FINISHED);
    }

    @Test
    void catchUpHandsOverToLiveWhenCaughtUp() {
        SessionPlanner planner = new SessionPlanner(StartingPosition.earliest(), -1);
        SessionPlan next = planner.afterCatchUp(SessionPlan.catchUp(NOW - HOUR, NOW - 1000), NOW);
        assertThat(next.kind()).isEqualTo(SessionPlan.Kind.FOLLOW_LIVE);
    }

    @Test
    void aCatchUpToNowLeavesTheFragmentInProgressToTheGapBeforeTheLiveWindow() {
        SessionPlanner planner = new SessionPlanner(StartingPosition.fromTimestamp(NOW - HOUR), -1);
        SessionPlan catchUp = planner.initial(NOW, 0);
        assertThat(catchUp.toMillis()).isEqualTo(NOW);
        assertThat(catchUp.settledUntilMillis()).isEqualTo(NOW - SessionPlanner.SETTLE_MILLIS);
        // Listed at NOW: 2 s fragments up to the one ending at NOW - 1500; the one that started
        // then was still being produced, so KVS did not list it.
        ReadCursor cursor = new ReadCursor();
        cursor.taken("41", NOW - 3_500, 2000);
        cursor.verifiedUntil(catchUp.settledUntilMillis());
        assertThat(planner.afterCatchUp(catchUp, NOW).kind())
                .isEqualTo(SessionPlan.Kind.FOLLOW_LIVE);
        // Draining the catch-up took longer than the live window lasts: the window starts three
        // fragments later, and the range that fills the gap holds the fragment left out.
        SessionPlan gap = planner.gapBefore(NOW + 4_500, cursor);
        assertThat(gap.fromMillis()).isLessThanOrEqualTo(NOW - 1_500);
        assertThat(gap.toMillis()).isEqualTo(NOW + 4_499);
    }

    @Test
    void withAServiceClockFarBehindAnUnsettledCatchUpHandsOverToLive() {
        SessionPlanner planner =
                new SessionPlanner(StartingPosition.fromTimestamp(NOW - HOUR), -1, true);
        SessionPlan plan = planner.initial(NOW, 0);
        for (int i = 0; i < 3; i++) {
            plan = planner.serviceClockBehind(plan, NOW);
        }
        assertThat(planner.serviceLagMillis()).isEqualTo(20_000);
        assertThat(plan.toMillis()).isEqualTo(NOW - 25_000);
        // What is left after the settled part is less than the settling time: nothing the archive
        // has settled, so the live window lists it rather than one range after another.
        assertThat(planner.afterCatchUp(plan, NOW).kind()).isEqualTo(SessionPlan.Kind.FOLLOW_LIVE);
    }

    @Test
    void anUnboundedCatchUpThatEndsUnsettledReadsOnWithoutAPause() {
        SessionPlanner planner = new SessionPlanner(StartingPosition.earliest(), -1);
        SessionPlan catchUp = SessionPlan.catchUp(NOW - HOUR, NOW, NOW - 10_000);
        // Behind by more than the hand-over: the next range starts at the settled end.
        SessionPlan next = planner.afterCatchUp(catchUp, NOW + HOUR);
        assertThat(next.kind()).isEqualTo(SessionPlan.Kind.CATCH_UP);
        assertThat(next.fromMillis()).isEqualTo(NOW - 9_999);
    }

    @Test
    void liveWindowAfterTheCursorIsAGapToFill() {
        SessionPlanner planner = new SessionPlanner(StartingPosition.latest(), -1);
        ReadCursor cursor = new ReadCursor();
        cursor.taken("1", NOW - 20_000, 2000);
        // The window still holds the fragment right after the cursor: no gap.
        assertThat(planner.gapBefore(NOW - 18_000, cursor)).isNull();
        // The window starts 10 s after the cursor's end: fill it from the archive first.
        SessionPlan gap = planner.gapBefore(NOW - 8_000, cursor);
        assertThat(gap.kind()).isEqualTo(SessionPlan.Kind.CATCH_UP);
        assertThat(gap.fromMillis()).isEqualTo(NOW - 18_000 - SessionPlanner.GAP_TOLERANCE_MILLIS);
        assertThat(gap.toMillis()).isEqualTo(NOW - 8_001);
        // Once that range is known to be empty (a paused producer), the same window is no gap.
        cursor.verifiedUntil(gap.toMillis());
        assertThat(planner.gapBefore(NOW - 8_000, cursor)).isNull();
    }

    @Test
    void serverTimestampRangesEndBeforeTheHostsNowByTheMargin() {
        SessionPlanner planner =
                new SessionPlanner(StartingPosition.fromTimestamp(NOW - HOUR), -1, true);
        SessionPlan plan = planner.initial(NOW, 0);
        assertThat(plan.toMillis()).isEqualTo(NOW - SessionPlanner.SERVICE_CLOCK_MARGIN_MILLIS);
        // Producer timestamps are the camera's: KVS takes ends in the future for them.
        assertThat(
                        new SessionPlanner(StartingPosition.fromTimestamp(NOW - HOUR), -1)
                                .initial(NOW, 0)
                                .toMillis())
                .isEqualTo(NOW);
    }

    @Test
    void aRejectedServerTimestampRangeEndsFurtherBackEachTimeUpToALimit() {
        SessionPlanner planner =
                new SessionPlanner(StartingPosition.fromTimestamp(NOW - HOUR), -1, true);
        SessionPlan plan = planner.initial(NOW, 0);
        long margin = SessionPlanner.SERVICE_CLOCK_MARGIN_MILLIS;
        SessionPlan earlier = planner.serviceClockBehind(plan, NOW);
        assertThat(earlier.fromMillis()).isEqualTo(plan.fromMillis());
        assertThat(earlier.toMillis()).isEqualTo(NOW - 2 * margin);
        earlier = planner.serviceClockBehind(earlier, NOW);
        assertThat(earlier.toMillis()).isEqualTo(NOW - 3 * margin);
        int rejections = 2;
        while (earlier != null) {
            earlier = planner.serviceClockBehind(earlier, NOW);
            rejections++;
        }
        assertThat(planner.serviceLagMillis())
                .isLessThanOrEqualTo(SessionPlanner.MAX_SERVICE_LAG_MILLIS);
        assertThat(rejections).isLessThan(15);
        // Live sessions have no range, and producer timestamps may end in the future: not the
        // clock.
        assertThat(planner.serviceClockBehind(SessionPlan.followLive(), NOW)).isNull();
        SessionPlanner producer =
                new SessionPlanner(StartingPosition.fromTimestamp(NOW - HOUR), -1);
        assertThat(producer.serviceClockBehind(producer.initial(NOW, 0), NOW)).isNull();
    }

    @Test
    void aStopInTheFutureIsReadInLaterSessionsUntilItIsSettled() {
        long stop = NOW + 60_000;
        long margin = SessionPlanner.SERVICE_CLOCK_MARGIN_MILLIS;
        long settle = SessionPlanner.SETTLE_MILLIS;
        SessionPlanner planner =
                new SessionPlanner(StartingPosition.fromTimestamp(NOW - 20_000), stop, true);
        SessionPlan first = planner.initial(NOW, 0);
        assertThat(first.kind()).isEqualTo(SessionPlan.Kind.CATCH_UP);
        assertThat(first.toMillis()).isEqualTo(NOW - margin);
        assertThat(first.settledUntilMillis()).isEqualTo(NOW - margin - settle);
        // The unsettled end may still get fragments: wait, then list again from the settled point.
        SessionPlan waiting = planner.afterCatchUp(first, NOW);
        assertThat(waiting.kind()).isEqualTo(SessionPlan.Kind.WAIT);
        assertThat(waiting.fromMillis()).isEqualTo(first.settledUntilMillis() + 1);
        SessionPlan later = planner.afterWait(waiting, NOW + 3_000);
        assertThat(later.fromMillis()).isEqualTo(waiting.fromMillis());
        assertThat(later.toMillis()).isEqualTo(NOW + 3_000 - margin);
        // Once the stop is settled the last range ends at it, and then the read is finished.
        SessionPlan last = planner.afterWait(waiting, stop + margin + settle);
        assertThat(last.toMillis()).isEqualTo(stop);
        assertThat(last.isSettled()).isTrue();
        assertThat(planner.afterCatchUp(last, stop + margin + settle).kind())
                .isEqualTo(SessionPlan.Kind.FINISHED);
        // A range starting in the future waits.
        assertThat(planner.afterWait(SessionPlan.waitThenReadFrom(NOW + 1), NOW).kind())
                .isEqualTo(SessionPlan.Kind.WAIT);
    }

    @Test
    void afterAFailureAFollowingCameraThatJustReadFollowsLiveWhateverItsClockSays() {
        SessionPlanner planner = new SessionPlanner(StartingPosition.latest(), -1);
        ReadCursor cursor = new ReadCursor();
        cursor.taken("100", NOW - 10_000, 2000, NOW - 9_000);
        // The camera's clock jumped back an hour: the newest fragment is stamped an hour ago.
        cursor.taken("101", NOW - HOUR, 2000, NOW - 1_000);
        assertThat(planner.afterFailure(SessionPlan.followLive(), cursor, NOW).kind())
                .isEqualTo(SessionPlan.Kind.FOLLOW_LIVE);
        // Long after the last fragment read, it reads on from the one ingested last, not the
        // latest stamped (which would skip everything stamped after the jump).
        SessionPlan later = planner.afterFailure(SessionPlan.followLive(), cursor, NOW + HOUR);
        assertThat(later.kind()).isEqualTo(SessionPlan.Kind.CATCH_UP);
        assertThat(later.fromMillis()).isEqualTo(NOW - HOUR);
    }
}
