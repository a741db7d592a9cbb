package io.kvsinfer.connector.kvs.examples.health;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The seed's health-check pattern, the Flink way: the source already reports reconnects, errors and
 * connection state as metrics (alert on them in Prometheus); this keyed function adds what only the
 * frames show, a gap in a camera's video, as an alert record. Keyed by camera id; input is each
 * frame's event time in ms.
 */
public final class GapAlerts extends KeyedProcessFunction<String, Long, String> {
    private static final long serialVersionUID = 1L;

    private final long maxGapMillis;
    private transient ValueState<Long> lastTimestamp;

    /** Alerts when two consecutive frames of a camera are more than {@code maxGapMillis} apart. */
    public GapAlerts(long maxGapMillis) {
        this.maxGapMillis = maxGapMillis;
    }

    @Override
    public void open(OpenContext context) {
        lastTimestamp =
                getRuntimeContext().getState(new ValueStateDescriptor<>("last-frame", Long.class));
    }

    @Override
    public void processElement(Long timestampMillis, Context ctx, Collector<String> alerts)
            throws Exception {
        Long last = lastTimestamp.value();
        if (last != null && timestampMillis - last > maxGapMillis) {
            alerts.collect(
                    "camera "
                            + ctx.getCurrentKey()
                            + ": no video for "
                            + (timestampMillis - last)
                            + " ms before "
                            + java.time.Instant.ofEpochMilli(timestampMillis));
        }
        lastTimestamp.update(timestampMillis);
    }
}
