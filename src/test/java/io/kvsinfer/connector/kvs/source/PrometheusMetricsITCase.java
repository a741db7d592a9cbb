package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;
import io.kvsinfer.connector.kvs.testing.PixelIndexMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kvsinfer.connector.kvs.testing.LocalKvsCameras.sourceFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's own Prometheus reporter, scraped over loopback while frames flow: each camera's series
 * carry the {@code camera_id} label and move with what happens to the camera.
 */
class PrometheusMetricsITCase {

    private static final int PORT_FROM = 9_431;
    private static final int PORT_TO = 9_470;
    private static final String PREFIX = "flink_taskmanager_job_task_operator_kvs_hls_camera_id_";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(reporterConfig())
                            .build());

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs kvs;

    private static Configuration reporterConfig() {
        Configuration conf = new Configuration();
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        // Flink's reporter has no bind address option: it listens on every interface, but this test
        // only talks to 127.0.0.1.
        conf.setString("metrics.reporter.prom.port", PORT_FROM + "-" + PORT_TO);
        conf.setString("metrics.reporter.prom.interval", "1 s");
        // By default the reporter turns '-' in label values into '_' (cam-1 -> cam_1); keep camera
        // ids as they are.
        conf.setString("metrics.reporter.prom.filterLabelValueCharacters", "false");
        return conf;
    }

    @BeforeAll
    static void start() throws Exception {
        kvs = LOCAL_KVS.kvs();
        for (String name : List.of("prom-1", "prom-2")) {
            kvs.createStream(name).startLive(SyntheticCamera.encode(160, 120, 10));
        }
        kvs.createStream("prom-idle");
        Thread.sleep(2100);
    }

    @Test
    void perCameraSeriesHaveTheCameraLabelAndFollowTheCameras() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        KvsHlsSource<FrameKey> source =
                sourceFor(kvs)
                        .addStream("prom-1")
                        .addStream("prom-2")
                        .addStream("prom-idle")
                        .setReconnectDelay(Duration.ofSeconds(3))
                        .setMaxReconnectDelay(Duration.ofSeconds(5))
                        .setFrameMapper(new PixelIndexMapper(), FrameKey.class)
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "cameras")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("prometheus");
        try {
            Map<String, Double> first = awaitSeries("frames_total", "prom-1", v -> v > 0);
            assertThat(first).containsKey("prom-2");
            // CONNECTED (2) with video; CONNECTING (1) while a stream has no producer yet.
            assertThat(scrapeSeries("connection_state"))
                    .containsEntry("prom-1", 2.0)
                    .containsEntry("prom-2", 2.0);
            awaitSeries("connection_state", "prom-idle", v -> v == 1.0);
            assertThat(scrapeSeries("url_refreshes_total")).containsEntry("prom-1", 0.0);
            assertThat(scrapeSeries("read_errors_total")).containsEntry("prom-1", 0.0);
            assertThat(scrapeSeries("fragments_total").get("prom-1")).isGreaterThan(0);
            assertThat(scrapeSeries("reconnects_total")).containsEntry("prom-1", 0.0);

            kvs.faults().expireAllSessions();
            awaitSeries("reconnects_total", "prom-1", v -> v >= 1);
            awaitSeries("frames_total", "prom-1", v -> v > first.get("prom-1") + 10);
            // Each camera waits out its own jittered backoff: prom-2 may reconnect a moment later,
            // and frames it had read before its session expired can raise its count meanwhile.
            awaitSeries("reconnects_total", "prom-2", v -> v >= 1);
            Map<String, Double> reconnected = scrapeSeries("frames_total");
            awaitSeries("frames_total", "prom-2", v -> v > reconnected.get("prom-2"));
            assertThat(scrapeSeries("last_frame_timestamp").get("prom-1"))
                    .isCloseTo(
                            System.currentTimeMillis() / 1000.0,
                            org.assertj.core.data.Offset.offset(30.0));
            // Each expired session was one read error.
            assertThat(scrapeSeries("read_errors_total").get("prom-1")).isGreaterThanOrEqualTo(1.0);

            // Failing playlists: RECONNECTING (3) through the 3 s backoff, counted, then CONNECTED
            // again.
            // (The two failures go to whichever live camera asks first.)
            double errorsBefore = liveCameraErrors();
            kvs.faults().failNext(KvsOperation.GET_HLS_MEDIA_PLAYLIST, 2, 500, "InternalFailure");
            awaitSeries("connection_state", "prom-2", v -> v == 3.0, "prom-1");
            long deadline = System.currentTimeMillis() + 30_000;
            while (liveCameraErrors() < errorsBefore + 2) {
                assertThat(System.currentTimeMillis())
                        .as("two more read errors")
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            awaitSeries("connection_state", "prom-1", v -> v == 2.0);
            awaitSeries("connection_state", "prom-2", v -> v == 2.0);
        } finally {
            job.cancel().get();
        }
    }

    private static Map<String, Double> awaitSeries(
            String metric, String camera, java.util.function.DoublePredicate done)
            throws Exception {
        return awaitSeries(metric, camera, done, null);
    }

    private static double liveCameraErrors() throws Exception {
        Map<String, Double> errors = scrapeSeries("read_errors_total");
        return errors.getOrDefault("prom-1", 0.0) + errors.getOrDefault("prom-2", 0.0);
    }

    /**
     * Waits for {@code camera}'s series to satisfy {@code done}, or either camera's when {@code
     * orCamera} is set.
     */
    private static Map<String, Double> awaitSeries(
            String metric, String camera, java.util.function.DoublePredicate done, String orCamera)
            throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        Map<String, Double> series = Map.of();
        while (System.currentTimeMillis() < deadline) {
            series = scrapeSeries(metric);
            for (String c : orCamera == null ? List.of(camera) : List.of(camera, orCamera)) {
                if (series.containsKey(c) && done.test(series.get(c))) {
                    return series;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "series "
                        + PREFIX
                        + metric
                        + " of "
                        + camera
                        + " did not reach its value: "
                        + series);
    }

    /** The value of each camera's series of {@code metric}, from the first port that answers. */
    static Map<String, Double> scrapeSeries(String metric) throws Exception {
        Pattern line =
                Pattern.compile("^" + PREFIX + metric + "\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
        Pattern label = Pattern.compile("camera_id=\"([^\"]*)\"");
        Map<String, Double> values = new HashMap<>();
        Matcher matcher = line.matcher(scrape());
        while (matcher.find()) {
            Matcher camera = label.matcher(matcher.group(1));
            if (camera.find()) {
                values.put(camera.group(1), Double.parseDouble(matcher.group(2)));
            }
        }
        return values;
    }

    private static String scrape() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
        StringBuilder all = new StringBuilder();
        for (int port = PORT_FROM; port <= PORT_TO; port++) {
            try {
                HttpResponse<String> response =
                        client.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                all.append(response.body()).append('\n');
            } catch (java.io.IOException e) {
                // nothing listens on this port
            }
        }
        return all.toString();
    }
}
