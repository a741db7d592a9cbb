package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsSegment;
import io.kvsinfer.connector.kvs.source.split.FragmentPosition;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** A camera's resume point and its queue of listed fragments. */
class ResumePointTest {

    @Test
    void aRestoredCameraSkipsItsEmittedFramesOnceInTheFragmentItResumesIn() {
        ResumePoint resume = ResumePoint.of(new FragmentPosition("123", 1_000, 7, 1_466));
        assertThat(resume.isRestored()).isTrue();
        assertThat(resume.fragmentStartMillis()).isEqualTo(1_000);
        assertThat(resume.lastEmittedMillis()).isEqualTo(1_466);
        assertThat(resume.resumedFragmentPending()).isTrue();
        assertThat(resume.emittedThroughMillisIn("122")).isEqualTo(Long.MIN_VALUE);
        assertThat(resume.emittedThroughMillisIn("123"))
                .as("frames up to the last emitted one, by time")
                .isEqualTo(1_466);
        assertThat(resume.resumedFragmentPending()).isFalse();
        assertThat(resume.emittedThroughMillisIn("123"))
                .as("read again later: nothing to skip")
                .isEqualTo(Long.MIN_VALUE);

        ResumePoint fresh = ResumePoint.of(null);
        assertThat(fresh.isRestored()).isFalse();
        assertThat(fresh.lastEmittedMillis()).isEqualTo(-1);
        assertThat(fresh.emittedThroughMillisIn("123")).isEqualTo(Long.MIN_VALUE);
        assertThat(fresh.resumedFragmentPending()).isFalse();
    }

    @Test
    void aResumedFragmentSkippedUnreadEndsTheResume() {
        ResumePoint resume = ResumePoint.of(new FragmentPosition("123", 1_000, 7, 1_466));
        resume.passed("122");
        assertThat(resume.resumedFragmentPending()).as("another fragment").isTrue();
        resume.passed("123");
        assertThat(resume.resumedFragmentPending()).isFalse();
        assertThat(resume.isRestored()).isTrue();
        assertThat(resume.emittedThroughMillisIn("123")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void theQueueHoldsEachFragmentOnceWithItsListingSessionAndCoverage() {
        FragmentQueue queue = new FragmentQueue();
        assertThat(queue.add(segment("1"))).isTrue();
        assertThat(queue.add(segment("2"))).isTrue();
        assertThat(queue.add(segment("1"))).as("listed again by an overlapping playlist").isFalse();
        assertThat(queue.size()).isEqualTo(2);
        queue.coversUntilWhenDrained(5_000);
        assertThat(queue.take().fragmentNumber()).isEqualTo("1");
        assertThat(queue.add(segment("1"))).as("taken, so a later listing may queue it").isTrue();
        assertThat(queue.takeCoveredUntil()).isEqualTo(5_000);
        assertThat(queue.takeCoveredUntil()).isEqualTo(Long.MIN_VALUE);
        queue.clear();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.peek()).isNull();
        assertThat(queue.listingSession()).isNull();
    }

    private static HlsSegment segment(String number) {
        return new HlsSegment(
                URI.create("http://127.0.0.1/f?FragmentNumber=" + number),
                number,
                2000,
                1000L,
                false,
                null,
                0);
    }
}
