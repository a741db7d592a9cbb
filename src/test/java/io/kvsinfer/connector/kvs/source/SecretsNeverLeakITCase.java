package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.Corruption;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the error paths of a job (expired sessions, 403, 5xx, resets, corrupt fragments, and
 * finally too many errors in a row) and checks that no session token and no secret key appears in
 * anything logged or thrown.
 */
class SecretsNeverLeakITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .setConfiguration(
                                    METRICS.addToConfiguration(
                                            new org.apache.flink.configuration.Configuration()))
                            .build());

    private static final String SECRET_KEY = "SECRET-LEAK-CHECK-0123456789";
    private static final StringBuffer CAPTURED = new StringBuffer();
    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;
    private static AbstractAppender appender;

    @BeforeAll
    static void start() throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        appender =
                new AbstractAppender("capture", null, null, false, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        CAPTURED.append(event.getLevel())
                                .append(' ')
                                .append(event.getLoggerName())
                                .append(' ')
                                .append(event.getMessage().getFormattedMessage())
                                .append('\n');
                        if (event.getThrown() != null) {
                            CAPTURED.append(ExceptionUtils.stringifyException(event.getThrown()))
                                    .append('\n');
                        }
                    }
                };
        appender.start();
        Configuration config = context.getConfiguration();
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        for (LoggerConfig logger : config.getLoggers().values()) {
            logger.addAppender(appender, Level.ALL, null);
        }
        context.updateLoggers();
        // Everything of ours at DEBUG (LocalKvs's request log included), Flink at INFO.
        Configurator.setLevel("io.kvsinfer", Level.DEBUG);
        Configurator.setLevel("org.apache.flink", Level.INFO);

        kvs = LOCAL_KVS.kvs();
        kvs.createStream("leak-1").startLive(SyntheticCamera.encode(160, 120, 10));
        Thread.sleep(2100);
    }

    @AfterAll
    static void stop() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("capture");
        context.getConfiguration().getLoggers().values().forEach(l -> l.removeAppender("capture"));
        Configurator.setLevel("io.kvsinfer", Level.INFO);
        Configurator.setLevel("org.apache.flink", Level.WARN);
        context.updateLoggers();
    }

    @Test
    void noTokenOrSecretInLogsOrExceptions(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<FrameKey> source =
                failingFast(sourceFor(kvs).addStream("leak-1"))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        int frames = 0;
        Throwable failure = null;
        try (CloseableIterator<FrameKey> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "leak")
                        .executeAndCollect("leak")) {
            while (results.hasNext()) {
                results.next();
                frames++;
                if (frames == 5) {
                    kvs.faults().expireAllSessions();
                    kvs.faults()
                            .failNext(
                                    KvsOperation.GET_MP4_MEDIA_FRAGMENT, 1, 500, "InternalFailure");
                    kvs.faults().resetNext(KvsOperation.GET_HLS_MEDIA_PLAYLIST, 1);
                    kvs.faults().corruptNext(1, Corruption.TRUNCATE);
                } else if (frames == 40) {
                    // Enough errors in a row to fail the job: the failure travels through Flink.
                    kvs.faults()
                            .failNext(
                                    KvsOperation.GET_HLS_MEDIA_PLAYLIST,
                                    1000,
                                    403,
                                    "NotAuthorizedException");
                    kvs.faults().expireAllSessions();
                }
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            kvs.faults().clear();
        }
        assertThat(failure).as("the job fails after max-consecutive-errors").isNotNull();
        assertThat(ExceptionUtils.findThrowable(failure, FrameSourceException.class)).isPresent();
        String thrown = ExceptionUtils.stringifyException(failure);

        Set<String> tokens = kvs.issuedSessionTokens();
        assertThat(tokens).hasSizeGreaterThan(2);
        String logs = CAPTURED.toString();
        assertThat(logs).contains("SessionToken=***").contains("camera leak-1");
        for (String token : tokens) {
            assertThat(logs).as("logs").doesNotContain(token);
            assertThat(thrown).as("exception").doesNotContain(token);
        }
        assertThat(logs).doesNotContain(SECRET_KEY);
        assertThat(thrown).doesNotContain(SECRET_KEY);
        assertThat(thrown).contains("failed 3 times in a row");

        // What the REST API shows of the failure (the exception history), and every metric's name,
        // labels and value.
        String rest = restExceptionHistory(miniCluster);
        assertThat(rest).contains("failed 3 times in a row");
        String metrics = everyMetric();
        assertThat(metrics).contains("leak-1").contains("read_errors_total");
        for (String token : tokens) {
            assertThat(rest).as("REST exception history").doesNotContain(token);
            assertThat(metrics).as("metrics").doesNotContain(token);
        }
        assertThat(rest).doesNotContain(SECRET_KEY);
        assertThat(metrics).doesNotContain(SECRET_KEY);
    }

    /** The exception history of every job, as GET /jobs/:id/exceptions answers on loopback. */
    private static String restExceptionHistory(MiniCluster miniCluster) throws Exception {
        java.net.URI base = miniCluster.getRestAddress().get();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        StringBuilder all = new StringBuilder();
        for (org.apache.flink.runtime.client.JobStatusMessage job : miniCluster.listJobs().get()) {
            java.net.http.HttpResponse<String> answer =
                    client.send(
                            java.net.http.HttpRequest.newBuilder(
                                            base.resolve("/jobs/" + job.getJobId() + "/exceptions"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            all.append(answer.body()).append('\n');
        }
        return all.toString();
    }

    /** Every metric reported so far: its group's variables, its name and its value. */
    private static String everyMetric() {
        StringBuilder all = new StringBuilder();
        METRICS.getMetricsByGroup()
                .forEach(
                        (group, metrics) ->
                                metrics.forEach(
                                        (name, metric) -> {
                                            all.append(group.getAllVariables())
                                                    .append(' ')
                                                    .append(name)
                                                    .append(' ');
                                            if (metric instanceof org.apache.flink.metrics.Gauge) {
                                                all.append(
                                                        ((org.apache.flink.metrics.Gauge<?>) metric)
                                                                .getValue());
                                            } else if (metric
                                                    instanceof org.apache.flink.metrics.Counter) {
                                                all.append(
                                                        ((org.apache.flink.metrics.Counter) metric)
                                                                .getCount());
                                            }
                                            all.append('\n');
                                        }));
        return all.toString();
    }

    @Test
    void assumedRoleCredentialsNeverLeakWhenRenewalFails() throws Exception {
        String role = "arn:aws:iam::222222222222:role/leak-check";
        try (LocalKvs restricted = LocalKvs.builder().build().start()) {
            restricted
                    .roles()
                    .allow(role, "EXTERNAL-ID-LEAK-CHECK")
                    .capLifetime(Duration.ofSeconds(2))
                    .requireForKvs(role);
            restricted.createStream("leak-role").startLive(SyntheticCamera.encode(160, 120, 10));
            Thread.sleep(2100);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            KvsHlsSource<FrameKey> source =
                    failingFast(sourceFor(restricted).addStream("leak-role"))
                            .setAssumeRole(role, "leak-check", "EXTERNAL-ID-LEAK-CHECK")
                            .setStsEndpoint(restricted.endpoint())
                            .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                            .build();
            int frames = 0;
            Throwable failure = null;
            try (CloseableIterator<FrameKey> results =
                    env.fromSource(source, WatermarkStrategy.noWatermarks(), "leak-role")
                            .executeAndCollect("leak-role")) {
                while (results.hasNext()) {
                    results.next();
                    if (++frames == 10) {
                        // The role's trust policy changes: renewals are denied from now on.
                        restricted.roles().allow(role, "ANOTHER-EXTERNAL-ID");
                        restricted.faults().expireAllSessions();
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
            assertThat(failure)
                    .as("the job fails once the role can no longer be assumed")
                    .isNotNull();
            String thrown = ExceptionUtils.stringifyException(failure);
            assertThat(thrown).contains("sts:AssumeRole on resource: " + role);
            Set<String> secrets = restricted.roles().issuedSecrets();
            assertThat(secrets).isNotEmpty();
            String logs = CAPTURED.toString();
            for (String secret : secrets) {
                assertThat(logs).as("logs").doesNotContain(secret);
                assertThat(thrown).as("exception").doesNotContain(secret);
            }
            assertThat(logs).doesNotContain(SECRET_KEY).doesNotContain("EXTERNAL-ID-LEAK-CHECK");
            assertThat(thrown).doesNotContain(SECRET_KEY).doesNotContain("EXTERNAL-ID-LEAK-CHECK");
        }
    }

    /** The recognisable secret key, and three quick failures in a row end the job. */
    private static KvsHlsSourceBuilder<VideoFrame> failingFast(
            KvsHlsSourceBuilder<VideoFrame> builder) {
        return builder.setStaticCredentials("AKIDLEAKCHECK", SECRET_KEY)
                .setMaxConsecutiveErrors(3)
                .setReconnectDelay(Duration.ofMillis(100))
                .setMaxReconnectDelay(Duration.ofMillis(200));
    }
}
