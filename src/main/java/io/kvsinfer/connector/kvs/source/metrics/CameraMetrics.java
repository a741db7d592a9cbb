package io.kvsinfer.connector.kvs.source.metrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one camera, named in {@link KvsSourceMetrics}: the group {@code
 * kvs_hls.camera_id.<id>} of the reader's metric group, which the Prometheus reporter exports with
 * the label {@code camera_id}. Updated from the camera's fetcher thread; read by the reporter
 * thread.
 */
@Internal
public final class CameraMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(CameraMetrics.class);

    private final MetricGroup group;
    private final Counter frames;
    private final Counter fragments;
    private final Counter bytes;
    private final Counter reconnects;
    private final Counter urlRefreshes;
    private final Counter readErrors;
    private final Counter decodeErrors;
    private final Counter framesWithoutReference;
    private final Counter idlePolls;
    private final Counter numBytesIn;
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile long lastFrameTimestampMillis = -1;
    private volatile long fetchLagMillis = -1;

    /**
     * @param numBytesIn the reader's standard {@code numBytesIn} counter, fed with fragment bytes
     */
    public CameraMetrics(MetricGroup readerGroup, String cameraId, Counter numBytesIn) {
        this.numBytesIn = numBytesIn;
        this.group =
                readerGroup
                        .addGroup(KvsSourceMetrics.GROUP)
                        .addGroup(KvsSourceMetrics.CAMERA_KEY, cameraId);
        this.frames = group.counter(KvsSourceMetrics.FRAMES);
        this.fragments = group.counter(KvsSourceMetrics.FRAGMENTS);
        this.bytes = group.counter(KvsSourceMetrics.BYTES);
        this.reconnects = group.counter(KvsSourceMetrics.RECONNECTS);
        this.urlRefreshes = group.counter(KvsSourceMetrics.URL_REFRESHES);
        this.readErrors = group.counter(KvsSourceMetrics.READ_ERRORS);
        this.decodeErrors = group.counter(KvsSourceMetrics.DECODE_ERRORS);
        this.framesWithoutReference = group.counter(KvsSourceMetrics.FRAMES_WITHOUT_REFERENCE);
        this.idlePolls = group.counter(KvsSourceMetrics.IDLE_POLLS);
        group.gauge(KvsSourceMetrics.CONNECTION_STATE, () -> state.code());
        // Seconds as a double, like the Python reader's kvs_hls_last_frame_timestamp.
        group.gauge(
                KvsSourceMetrics.LAST_FRAME_TIMESTAMP,
                () ->
                        lastFrameTimestampMillis < 0
                                ? Double.NaN
                                : lastFrameTimestampMillis / 1000.0);
        group.gauge(KvsSourceMetrics.FETCH_LAG, () -> fetchLagMillis);
    }

    public void frameFetched(long timestampMillis, long fetchTimeMillis) {
        frames.inc();
        lastFrameTimestampMillis = timestampMillis;
        fetchLagMillis = fetchTimeMillis - timestampMillis;
    }

    public void fragmentRead(long sizeBytes) {
        fragments.inc();
        bytes.inc(sizeBytes);
        numBytesIn.inc(sizeBytes);
    }

    public void reconnected() {
        reconnects.inc();
    }

    public void urlRefreshed() {
        urlRefreshes.inc();
    }

    public void readError() {
        readErrors.inc();
    }

    public void decodeError() {
        decodeErrors.inc();
    }

    public void framesWithoutReference(long frames) {
        framesWithoutReference.inc(frames);
    }

    public void idlePoll() {
        idlePolls.inc();
    }

    public void state(ConnectionState newState) {
        state = newState;
    }

    public ConnectionState state() {
        return state;
    }

    public long framesCount() {
        return frames.getCount();
    }

    public long reconnectsCount() {
        return reconnects.getCount();
    }

    public long urlRefreshesCount() {
        return urlRefreshes.getCount();
    }

    public long readErrorsCount() {
        return readErrors.getCount();
    }

    public long decodeErrorsCount() {
        return decodeErrors.getCount();
    }

    public long framesWithoutReferenceCount() {
        return framesWithoutReference.getCount();
    }

    public long idlePollsCount() {
        return idlePolls.getCount();
    }

    /** Latest fetch lag of this camera in ms, or -1 before the first frame. */
    public long fetchLagMillis() {
        return fetchLagMillis;
    }

    /**
     * Removes the camera's metrics when its split ends, so a finished camera leaves no stale
     * series.
     */
    public void close() {
        state = ConnectionState.DISCONNECTED;
        // MetricGroup has no close(); Flink's runtime groups do. Without it the series stay until
        // the task ends.
        if (group instanceof org.apache.flink.runtime.metrics.groups.AbstractMetricGroup) {
            ((org.apache.flink.runtime.metrics.groups.AbstractMetricGroup<?>) group).close();
        } else {
            LOG.debug("Metric group {} cannot be closed", group.getClass().getName());
        }
    }
}
