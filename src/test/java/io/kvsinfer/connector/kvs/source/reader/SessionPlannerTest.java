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
}
