package io.kvsinfer.connector.kvs.source.config;

import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvsHlsSourceBuilderTest {

    @Test
    void defaultsAreThePythonReadersAndTheSourceIsUnbounded() {
        KvsHlsSource<VideoFrame> source =
                KvsHlsSource.builder().addCamera("cam-1", "my-kvs-stream").build();
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        KvsSourceConfig config = new KvsSourceConfig(new Configuration());
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.sessionDuration()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.urlRefreshMargin()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.reconnectDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.backoffMultiplier()).isEqualTo(2.0);
        assertThat(config.maxConsecutiveErrors()).isEqualTo(10);
    }

    @Test
    void presetsMatchThePythonReader() {
        Configuration conf = new Configuration();
        KvsSourcePreset.PRODUCTION.applyTo(conf);
        KvsSourceConfig production = new KvsSourceConfig(conf);
        assertThat(production.sessionDuration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(production.urlRefreshMargin()).isEqualTo(Duration.ofMinutes(2));
        assertThat(production.reconnectDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(production.maxReconnectDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(production.maxConsecutiveErrors()).isEqualTo(20);
        KvsSourcePreset.TESTING.applyTo(conf);
        KvsSourceConfig testing = new KvsSourceConfig(conf);
        assertThat(testing.sessionDuration()).isEqualTo(Duration.ofSeconds(300));
        assertThat(testing.maxConsecutiveErrors()).isEqualTo(5);
        assertThat(testing.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void stoppingTimestampMakesItBounded() {
        KvsHlsSource<VideoFrame> source =
                KvsHlsSource.builder()
                        .addCamera("cam-1", "s")
                        .setStartingPosition(
                                StartingPosition.fromTimestamp(
                                        Instant.parse("2026-11-23T10:00:00Z")))
                        .setStoppingTimestamp(Instant.parse("2026-11-23T11:00:00Z"))
                        .build();
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "source.kvs.hls-session-duration|60 s|Invalid value for option"
                        + " 'source.kvs.hls-session-duration': 60; allowed: 300 to 43200 seconds",
                "source.kvs.hls-session-duration|50000 s|allowed: 300 to 43200 seconds",
                "source.kvs.max-consecutive-errors|0|'source.kvs.max-consecutive-errors': 0;"
                        + " allowed: 1 to 1000",
                "source.kvs.backoff-multiplier|0.5|'source.kvs.backoff-multiplier': 0.5; allowed:"
                        + " 1.0 to 10.0",
                "source.kvs.reconnect-delay|0 s|'source.kvs.reconnect-delay': PT0S; allowed: a"
                        + " duration above 0",
                "source.kvs.max-reconnect-delay|1 s|'source.kvs.max-reconnect-delay': PT1S;"
                        + " allowed: at least source.kvs.reconnect-delay",
                "source.kvs.url-refresh-margin|200 s|'source.kvs.url-refresh-margin': PT3M20S;"
                        + " allowed: at most half of",
                "source.kvs.live-playlist-fragments|5001|allowed: 1 to 5000",
                "source.kvs.live-edge-poll-interval|100 ms|'source.kvs.live-edge-poll-interval':"
                        + " PT0.1S; allowed: 200 ms (KVS allows 5 playlist requests per second) to"
                        + " source.kvs.playlist-poll-interval (PT1S)",
                "source.kvs.live-edge-poll-interval|2 s|'source.kvs.live-edge-poll-interval': PT2S;"
                        + " allowed: 200 ms",
                "source.kvs.decoder.threads|-1|allowed: 0 to 64",
                "source.kvs.decoder.concurrent-cameras|-1|'source.kvs.decoder.concurrent-cameras':"
                        + " -1; allowed: 0 to 4096",
                "source.kvs.decoder.max-decode-time|500 ms|'source.kvs.decoder.max-decode-time':"
                        + " PT0.5S; allowed: 1 s to 10 min",
                "source.kvs.decoder.max-frame-pixels|100|'source.kvs.decoder.max-frame-pixels':"
                        + " 100; allowed: 4096 to 134217728 pixels",
                "source.kvs.sampling.mode|FPS|'source.kvs.sampling.fps' is required",
                "source.kvs.endpoint|ftp://x|'source.kvs.endpoint': ftp://x; allowed: an absolute"
                        + " http:// or https:// URI",
                "source.kvs.starting-position|TIMESTAMP|'source.kvs.starting-timestamp' is"
                        + " required",
                "source.kvs.credentials.provider|BASIC|are required, not blank, with"
                        + " source.kvs.credentials.provider=BASIC",
                "source.kvs.max-fragment-size|10 b|'source.kvs.max-fragment-size': 10; allowed:"
                        + " 1024 to 2147483648 bytes",
                "source.kvs.credentials.provider|ASSUME_ROLE|'source.kvs.credentials.role-arn' is"
                        + " required with source.kvs.credentials.provider=ASSUME_ROLE",
                "source.kvs.sts-endpoint|localhost:4566|'source.kvs.sts-endpoint': localhost:4566;"
                        + " allowed: an absolute http:// or https:// URI",
                "source.kvs.output.pixel-format|YUV420P|'source.kvs.output.pixel-format': YUV420P;"
                        + " allowed: one of [BGR24, RGB24, GRAY8]",
                "source.kvs.container-format|MP4|'source.kvs.container-format': MP4; allowed: one"
                        + " of [FRAGMENTED_MP4, MPEG_TS]",
                "source.kvs.discovery.tags-per-second|0|'source.kvs.discovery.tags-per-second': 0;"
                        + " allowed: 1 to 1000 calls per second",
                "source.kvs.discovery.list-streams-per-second|5000|allowed: 1 to 1000 calls per"
                        + " second",
                "source.kvs.discovery.max-retries|-1|'source.kvs.discovery.max-retries': -1;"
                        + " allowed: 0 to 20",
                "source.kvs.http-timeout|500 ms|'source.kvs.http-timeout': PT0.5S; allowed: at"
                        + " least 1 s",
                "source.kvs.playlist-poll-interval|100 ms|'source.kvs.playlist-poll-interval':"
                        + " PT0.1S; allowed: at least 200 ms",
                "source.kvs.discovery.interval|500 ms|'source.kvs.discovery.interval': PT0.5S;"
                        + " allowed: 0 (discover once) or at least 1 s",
                "source.kvs.sampling.fps|5|'source.kvs.sampling.fps' (5.0) applies only with"
                        + " source.kvs.sampling.mode=FPS, but it is ALL_FRAMES",
                "source.kvs.starting-timestamp|1700000000000|'source.kvs.starting-timestamp'"
                    + " (1700000000000) applies only with source.kvs.starting-position=TIMESTAMP,"
                    + " but it is LATEST",
            })
    void invalidOptionsNameTheOptionTheValueAndTheRange(String key, String value, String message) {
        Configuration conf = new Configuration();
        conf.setString(key, value);
        assertRejected(conf, message);
    }

    private static void assertRejected(Configuration conf, String message) {
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setConfiguration(conf)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** Options that only mean something together, each wrong with the other set. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "source.kvs.starting-position|EARLIEST|source.kvs.stopping-timestamp|-5"
                        + "|'source.kvs.stopping-timestamp': -5; allowed: at least 0 epoch ms",
                "source.kvs.starting-position|EARLIEST|source.kvs.starting-timestamp|5"
                        + "|'source.kvs.starting-timestamp' (5) applies only with"
                        + " source.kvs.starting-position=TIMESTAMP, but it is EARLIEST",
            })
    void invalidCombinationsNameTheOptionAndTheValue(
            String key, String value, String otherKey, String otherValue, String message) {
        Configuration conf = new Configuration();
        conf.setString(key, value);
        conf.setString(otherKey, otherValue);
        assertRejected(conf, message);
    }

    @Test
    void discoveryTagsWithABlankValueAreRejectedAtBuild() {
        Configuration conf = new Configuration();
        conf.set(KvsSourceOptions.DISCOVERY_STREAM_PREFIX, "cam-");
        conf.set(KvsSourceOptions.DISCOVERY_TAGS, Map.of("site", " "));
        assertThatThrownBy(() -> KvsHlsSource.builder().setConfiguration(conf).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "'source.kvs.discovery.tags': 'site':' '; allowed: tags with a non-blank"
                                + " key and value");
    }

    @Test
    void missingOrBlankCredentialsNameTheOptionAndNotTheValue() {
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setStaticCredentials(null, "wJalrXUtnFEMI"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Option 'source.kvs.credentials.access-key-id' must not be null");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setStaticCredentials("AKIDEXAMPLE", " ")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("are required, not blank, with")
                .hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void misspeltOptionsAreRefusedWithTheClosestOneAndWithoutTheirValue() {
        Configuration conf = new Configuration();
        conf.setString("source.kvs.decoder.thread", "4");
        assertRejected(
                conf,
                "Unknown option 'source.kvs.decoder.thread'; did you mean"
                        + " 'source.kvs.decoder.threads'?");
        Configuration secret = new Configuration();
        secret.setString("source.kvs.credentials.secret-acess-key", "wJalrXUtnFEMI");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setConfiguration(secret)
                                        .build())
                .hasMessageContaining("did you mean 'source.kvs.credentials.secret-access-key'?")
                .hasMessageNotContaining("wJalrXUtnFEMI");
        // Keys outside the source's namespace belong to others and pass, as do a map option's
        // entries given one key each.
        Configuration others = new Configuration();
        others.setString("pipeline.name", "cameras");
        others.setString("source.other.anything", "1");
        others.setString("source.kvs.discovery.stream-prefix", "cam-");
        others.setString("source.kvs.discovery.tags.site", "lobby");
        assertThat(KvsHlsSource.builder().addCamera("cam-1", "s").setConfiguration(others).build())
                .isNotNull();
        assertThat(new KvsSourceConfig(others).discoveryTags()).isEqualTo(Map.of("site", "lobby"));
    }

    @Test
    void aCredentialsProviderWithCredentialsOptionsIsRefused() {
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setStaticCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI")
                                        .setCredentialsProvider(
                                                AnonymousCredentialsProvider::create)
                                        .build())
                .hasMessageContaining("is set, but setCredentialsProvider replaces")
                .hasMessageNotContaining("AKIDEXAMPLE");
        // An explicit DEFAULT provider asks for nothing the supplier would override.
        Configuration defaultProvider = new Configuration();
        defaultProvider.set(KvsSourceOptions.CREDENTIALS_PROVIDER, CredentialsProviderType.DEFAULT);
        assertThat(
                        KvsHlsSource.builder()
                                .addCamera("cam-1", "s")
                                .setConfiguration(defaultProvider)
                                .setCredentialsProvider(AnonymousCredentialsProvider::create)
                                .build())
                .isNotNull();
    }

    @Test
    void credentialsTheProviderWouldNotUseAreRefusedWithoutTheirValue() {
        Configuration keysOnly = new Configuration();
        keysOnly.set(KvsSourceOptions.ACCESS_KEY_ID, "AKIDEXAMPLE");
        keysOnly.set(KvsSourceOptions.SECRET_ACCESS_KEY, "wJalrXUtnFEMI");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setConfiguration(keysOnly)
                                        .build())
                .hasMessage(
                        "Option 'source.kvs.credentials.access-key-id' is set but applies only"
                                + " with source.kvs.credentials.provider BASIC or ASSUME_ROLE, and"
                                + " it is DEFAULT; set the provider or remove the option")
                .hasMessageNotContaining("AKIDEXAMPLE");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setStaticCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI")
                                        .setProfile("reader")
                                        .build())
                .hasMessageContaining(
                        "'source.kvs.credentials.access-key-id' is set but applies only with"
                                + " source.kvs.credentials.provider BASIC or ASSUME_ROLE, and it"
                                + " is PROFILE");
        Configuration role = new Configuration();
        role.setString("source.kvs.credentials.role-arn", "arn:aws:iam::123456789012:role/r");
        assertRejected(
                role,
                "'source.kvs.credentials.role-arn' is set but applies only with"
                        + " source.kvs.credentials.provider ASSUME_ROLE, and it is DEFAULT");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setProfile("reader")
                                        .setStaticCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI")
                                        .setAssumeRole(
                                                "arn:aws:iam::123456789012:role/r", "flink", null)
                                        .build())
                .hasMessageContaining("STS is called with one of them: remove the other")
                .hasMessageNotContaining("AKIDEXAMPLE");
        Configuration oneKey = new Configuration();
        oneKey.set(KvsSourceOptions.ACCESS_KEY_ID, "AKIDEXAMPLE");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setAssumeRole(
                                                "arn:aws:iam::123456789012:role/r", "flink", null)
                                        .setConfiguration(oneKey)
                                        .build())
                .hasMessageContaining("only one is set, and STS would be called with the default")
                .hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void choosingAnotherSamplingModeDropsTheSampleRate() {
        KvsHlsSource<?> source =
                KvsHlsSource.builder()
                        .addCamera("cam-1", "s")
                        .sampleFps(5)
                        .sampleAllFrames()
                        .build();
        assertThat(source).isNotNull();
    }

    @Test
    void invalidCamerasAreRejectedWithTheValue() {
        assertThatThrownBy(() -> KvsHlsSource.builder().addCamera("cam-1", "bad name!"))
                .hasMessageContaining("'bad name!'")
                .hasMessageContaining("stream name");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "a")
                                        .addCamera("cam-1", "b"))
                .hasMessageContaining("camera id 'cam-1' is used twice");
        assertThatThrownBy(() -> KvsHlsSource.builder().build())
                .hasMessageContaining("no camera was added");
        assertThatThrownBy(() -> KvsHlsSource.builder().addCamera("c", "s").sampleFps(0).build())
                .hasMessageContaining(
                        "'source.kvs.sampling.fps': 0.0; allowed: above 0 and at most 1000");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("c", "s")
                                        .setOutputSize(640, 0)
                                        .build())
                .hasMessageContaining("both width and height");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("c", "s")
                                        .setStoppingTimestamp(Instant.parse("2026-01-01T00:00:00Z"))
                                        .build())
                .hasMessageContaining("needs a starting position of EARLIEST or TIMESTAMP");
    }

    @Test
    void assumedRolesAreValidatedWithoutEchoingTheExternalId() {
        String role = "arn:aws:iam::123456789012:role/kvs-reader";
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setAssumeRole("arn:aws:iam::123:role/x", "flink", null)
                                        .build())
                .hasMessageContaining(
                        "'source.kvs.credentials.role-arn': arn:aws:iam::123:role/x; allowed: an"
                                + " IAM role ARN");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setAssumeRole(role, "a b", null)
                                        .build())
                .hasMessageContaining(
                        "'source.kvs.credentials.role-session-name': a b; allowed: 2 to 64"
                                + " characters");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setAssumeRole(role, "flink", "secret id with spaces")
                                        .build())
                .hasMessageContaining("'source.kvs.credentials.role-external-id' (21 characters)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret id"));
        Configuration conf = new Configuration();
        conf.setString("source.kvs.credentials.role-session-duration", "10 min");
        assertThatThrownBy(
                        () ->
                                KvsHlsSource.builder()
                                        .addCamera("cam-1", "s")
                                        .setAssumeRole(role, "flink", null)
                                        .setConfiguration(conf)
                                        .build())
                .hasMessageContaining(
                        "'source.kvs.credentials.role-session-duration': PT10M; allowed: 15 min to"
                                + " 12 h");
        // Static keys set after the role stay the keys that call STS; the provider stays
        // ASSUME_ROLE.
        assertThat(
                        KvsHlsSource.builder()
                                .addCamera("cam-1", "s")
                                .setAssumeRole(role, "flink", "ext-1")
                                .setStaticCredentials("AKID", "secret")
                                .build())
                .isNotNull();
    }

    @Test
    void acceptsStreamArns() {
        KvsHlsSource.builder()
                .addCamera(
                        "cam-1",
                        "arn:aws:kinesisvideo:us-east-1:123456789012:stream/my-stream/1700000000000")
                .build();
    }
}
