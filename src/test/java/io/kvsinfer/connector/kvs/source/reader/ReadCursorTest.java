package io.kvsinfer.connector.kvs.source.reader;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadCursorTest {

    @Test
    void fragmentsAreNewOnceAndNeverOlderThanTheLastRead() {
        ReadCursor cursor = new ReadCursor();
        assertThat(cursor.isNew("91343852333185057105875891022195998207386831087", 1000)).isTrue();
        cursor.taken("91343852333185057105875891022195998207386831087", 1000, 2000);
        assertThat(cursor.isNew("91343852333185057105875891022195998207386831087", 1000)).isFalse();
        assertThat(cursor.isNew("91343852333185057110827651179337519666762451998", 3000)).isTrue();
        assertThat(cursor.isNew("91343852333185057000000000000000000000000000000", 999)).isFalse();
        assertThat(cursor.coveredUntilMillis()).isEqualTo(3000);
    }

    @Test
    void restoredCursorReadsTheRestoredFragmentAgain() {
        ReadCursor cursor = ReadCursor.restoredAt(5000);
        assertThat(cursor.isNew("7", 5000)).isTrue();
        assertThat(cursor.isNew("6", 4000)).isFalse();
    }

    @Test
    void remembersABoundedNumberOfFragments() {
        ReadCursor cursor = new ReadCursor();
        for (int i = 0; i < 10_000; i++) {
            cursor.taken(Integer.toString(i), 1000, 10);
        }
        assertThat(cursor.isNew("9999", 1000)).isFalse();
        assertThat(cursor.isNew("0", 1000)).isTrue();
    }

    @Test
    void fragmentIngestedLaterIsNewEvenWhenTheProducerClockJumpedBack() {
        ReadCursor cursor = new ReadCursor();
        cursor.taken("91343852333185057105875891022195998207386831087", 3_600_000, 2000);
        // The camera clock jumped back an hour: a later fragment number with an earlier start.
        assertThat(cursor.isNew("91343852333185057110827651179337519666762451998", 1000)).isTrue();
        cursor.taken("91343852333185057110827651179337519666762451998", 1000, 2000);
        // A repeated timestamp on a new fragment is new too; the same fragment again is not.
        assertThat(cursor.isNew("91343852333185057115779411336478979126138072909", 1000)).isTrue();
        assertThat(cursor.isNew("91343852333185057110827651179337519666762451998", 1000)).isFalse();
        // A fragment ingested before the last one taken, with an older timestamp, is not new.
        assertThat(cursor.isNew("91343852333185057100000000000000000000000000000", 500)).isFalse();
    }

    @Test
    void readingOnStartsAtTheFragmentIngestedLastNotTheLatestStamped() {
        ReadCursor cursor = new ReadCursor();
        cursor.taken("91343852333185057105875891022195998207386831087", 3_600_000, 2000, 50);
        assertThat(cursor.resumeStartMillis()).isEqualTo(3_600_000);
        // The camera's clock jumped back an hour; this fragment was ingested after the first.
        cursor.taken("91343852333185057110827651179337519666762451998", 1000, 2000, 70);
        assertThat(cursor.resumeStartMillis()).isEqualTo(1000);
        assertThat(cursor.lastStartMillis()).isEqualTo(3_600_000);
        assertThat(cursor.lastTakenAtMillis()).isEqualTo(70);
        // A repeated timestamp on a later fragment still moves the point to read on from.
        cursor.taken("91343852333185057110827651179337519666762451999", 1000, 2000, 90);
        assertThat(cursor.resumeStartMillis()).isEqualTo(1000);
        assertThat(ReadCursor.restoredAt(5000).resumeStartMillis()).isEqualTo(4999);
    }
}
