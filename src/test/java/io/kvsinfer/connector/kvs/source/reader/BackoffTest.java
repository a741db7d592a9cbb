package io.kvsinfer.connector.kvs.source.reader;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void growsExponentiallyUpToTheCapAndResetsOnSuccess() {
        Backoff backoff =
                new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), 2.0, 10, () -> 0.0);
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.consecutiveFailures()).isEqualTo(6);
        backoff.onSuccess();
        assertThat(backoff.consecutiveFailures()).isZero();
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterShortensDelaysByAtMostTwentyPercent() {
        Backoff backoff =
                new Backoff(
                        Duration.ofSeconds(10), Duration.ofSeconds(10), 2.0, 10, () -> 0.999999);
        Duration delay = backoff.onFailure();
        assertThat(delay).isBetween(Duration.ofMillis(8000), Duration.ofMillis(8001));
    }

    @Test
    void isExhaustedAfterMaxConsecutiveErrors() {
        Backoff backoff =
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1.0, 3, () -> 0.5);
        backoff.onFailure();
        backoff.onFailure();
        assertThat(backoff.isExhausted()).isFalse();
        backoff.onFailure();
        assertThat(backoff.isExhausted()).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2, 1, () -> 0))
                .hasMessageContaining("initial delay");
        assertThatThrownBy(
                        () ->
                                new Backoff(
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(1),
                                        2,
                                        1,
                                        () -> 0))
                .hasMessageContaining("max delay");
        assertThatThrownBy(
                        () ->
                                new Backoff(
                                        Duration.ofSeconds(1),
                                        Duration.ofSeconds(1),
                                        0.5,
                                        1,
                                        () -> 0))
                .hasMessageContaining("multiplier");
    }
}
