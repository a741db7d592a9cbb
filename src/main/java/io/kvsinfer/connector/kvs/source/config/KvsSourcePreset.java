package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;

/**
 * The Python reader's three configuration presets. {@code TESTING} asks for 300 s sessions where
 * the Python reader asked for 60 s, because Kinesis Video Streams rejects sessions shorter than 300
 * s.
 */
@PublicEvolving
public enum KvsSourcePreset {
    /** The defaults of every option. */
    DEFAULT(
            Duration.ofSeconds(300),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            10),
    /** Long sessions, patient reconnects, tolerant of errors. */
    PRODUCTION(
            Duration.ofMinutes(30),
            Duration.ofMinutes(2),
            Duration.ofSeconds(10),
            Duration.ofMinutes(5),
            20),
    /** Short sessions, quick reconnects, fail fast. */
    TESTING(
            Duration.ofSeconds(300),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            5);

    private final Duration sessionDuration;
    private final Duration urlRefreshMargin;
    private final Duration reconnectDelay;
    private final Duration maxReconnectDelay;
    private final int maxConsecutiveErrors;

    KvsSourcePreset(
            Duration sessionDuration,
            Duration urlRefreshMargin,
            Duration reconnectDelay,
            Duration maxReconnectDelay,
            int maxConsecutiveErrors) {
        this.sessionDuration = sessionDuration;
        this.urlRefreshMargin = urlRefreshMargin;
        this.reconnectDelay = reconnectDelay;
        this.maxReconnectDelay = maxReconnectDelay;
        this.maxConsecutiveErrors = maxConsecutiveErrors;
    }

    /**
     * Writes this preset's five values into {@code config}, replacing those options' values; every
     * other option, the backoff multiplier included, keeps its value.
     */
    public void applyTo(Configuration config) {
        config.set(KvsSourceOptions.HLS_SESSION_DURATION, sessionDuration);
        config.set(KvsSourceOptions.URL_REFRESH_MARGIN, urlRefreshMargin);
        config.set(KvsSourceOptions.RECONNECT_DELAY, reconnectDelay);
        config.set(KvsSourceOptions.MAX_RECONNECT_DELAY, maxReconnectDelay);
        config.set(KvsSourceOptions.MAX_CONSECUTIVE_ERRORS, maxConsecutiveErrors);
    }
}
