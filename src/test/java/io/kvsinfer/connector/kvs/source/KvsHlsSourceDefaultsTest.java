package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourcePreset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What build() really produced: the defaults, the DEFAULT preset, and the checks on region and
 * discovery.
 */
class KvsHlsSourceDefaultsTest {

    private static KvsSourceConfig built(KvsHlsSourceBuilder<VideoFrame> builder) {
        return builder.addCamera("cam-1", "my-kvs-stream").build().config();
    }

    @Test
    void aSourceBuiltWithNothingSetHasThePythonReadersDefaults() {
        KvsSourceConfig config = built(KvsHlsSource.builder());
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.sessionDuration()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.urlRefreshMargin()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.reconnectDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.backoffMultiplier()).isEqualTo(2.0);
        assertThat(config.maxConsecutiveErrors()).isEqualTo(10);
        assertThat(config.decoderThreads()).as("adaptive").isEmpty();
    }

    @Test
    void theDefaultPresetIsTheDefaultsAndPresetsLeaveTheMultiplierAlone() {
        KvsSourceConfig defaults = built(KvsHlsSource.builder());
        KvsSourceConfig preset =
                built(
                        KvsHlsSource.builder()
                                .setReconnectDelay(Duration.ofSeconds(1))
                                .applyPreset(KvsSourcePreset.DEFAULT));
        assertThat(preset.sessionDuration()).isEqualTo(defaults.sessionDuration());
        assertThat(preset.urlRefreshMargin()).isEqualTo(defaults.urlRefreshMargin());
        assertThat(preset.reconnectDelay())
                .as("the preset replaces what was set before")
                .isEqualTo(defaults.reconnectDelay());
        assertThat(preset.maxReconnectDelay()).isEqualTo(defaults.maxReconnectDelay());
        assertThat(preset.backoffMultiplier()).isEqualTo(defaults.backoffMultiplier());
        assertThat(preset.maxConsecutiveErrors()).isEqualTo(defaults.maxConsecutiveErrors());

        KvsSourceConfig production =
                built(
                        KvsHlsSource.builder()
                                .setBackoffMultiplier(3.0)
                                .applyPreset(KvsSourcePreset.PRODUCTION));
        assertThat(production.backoffMultiplier()).isEqualTo(3.0);
        assertThat(production.maxConsecutiveErrors()).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "us-east-1",
                "eu-central-1",
                "ap-southeast-5",
                "us-gov-west-1",
                "cn-northwest-1",
                "xx-newplace-7"
            })
    void wellFormedRegionsAreAccepted(String region) {
        assertThat(built(KvsHlsSource.builder().setRegion(region)).region()).isEqualTo(region);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "US East",
                "us_east_1",
                "https://kinesisvideo.us-east-1.amazonaws.com",
                "useast1",
                "-"
            })
    void aMalformedRegionIsRejectedWithTheValue(String region) {
        assertThatThrownBy(() -> built(KvsHlsSource.builder().setRegion(region)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'source.kvs.region': '" + region + "'")
                .hasMessageContaining("allowed: an AWS region name such as us-east-1");
    }

    @Test
    void aNegativeDiscoveryIntervalIsRejected() {
        assertThatThrownBy(
                        () ->
                                built(
                                        KvsHlsSource.builder()
                                                .discoverStreams("cam-")
                                                .setDiscoveryInterval(Duration.ofSeconds(-5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "'source.kvs.discovery.interval': PT-5S; allowed: 0 (discover once) or"
                                + " at least 1 s");
    }
}
