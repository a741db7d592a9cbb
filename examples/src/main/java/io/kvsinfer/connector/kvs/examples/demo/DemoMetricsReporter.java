package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.metrics.KvsSourceMetrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;
import java.util.Set;

/**
 * A Flink metric reporter that hands the source's per-camera metrics (group {@code kvs_hls},
 * variable {@code camera_id}) to the demo's console: reconnects and connection state are only known
 * to the source, not visible in its records. Configured by {@link KvsDemo} with {@code
 * metrics.reporter.demo.factory.class} and {@code metrics.reporter.demo.run}; found by Flink
 * through {@code META-INF/services}. The console reads the metrics whenever it draws, so no
 * reporting interval is needed.
 */
public final class DemoMetricsReporter implements MetricReporter {

    static final String RUN_PROPERTY = "run";
    private static final String CAMERA_VARIABLE = "<" + KvsSourceMetrics.CAMERA_KEY + ">";
    static final Set<String> WANTED =
            Set.of(
                    KvsSourceMetrics.RECONNECTS,
                    KvsSourceMetrics.CONNECTION_STATE,
                    KvsSourceMetrics.READ_ERRORS,
                    KvsSourceMetrics.DECODE_ERRORS);

    private String runId;

    @Override
    public void open(MetricConfig config) {
        runId = config.getString(RUN_PROPERTY, null);
    }

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        DemoRun.Camera camera = cameraOf(name, group);
        if (camera == null) {
            return;
        }
        if (metric instanceof Counter) {
            Counter counter = (Counter) metric;
            camera.metric(name, counter::getCount);
        } else if (metric instanceof Gauge) {
            Gauge<?> gauge = (Gauge<?>) metric;
            camera.metric(name, gauge::getValue);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        DemoRun.Camera camera = cameraOf(name, group);
        if (camera != null) {
            camera.freezeMetric(name);
        }
    }

    private DemoRun.Camera cameraOf(String name, MetricGroup group) {
        if (runId == null || !WANTED.contains(name)) {
            return null;
        }
        String cameraId = group.getAllVariables().get(CAMERA_VARIABLE);
        DemoRun run = DemoRun.get(runId);
        return cameraId == null || run == null ? null : run.camera(cameraId);
    }

    /**
     * Registered in {@code
     * META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory}.
     */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new DemoMetricsReporter();
        }
    }
}
