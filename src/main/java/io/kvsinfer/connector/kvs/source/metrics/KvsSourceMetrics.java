package io.kvsinfer.connector.kvs.source.metrics;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The names of the metrics the source reports for each camera, for dashboards, alerts and
 * reporters. Every camera's metrics live in the group {@code kvs_hls.camera_id.<id>} of the source
 * reader's metric group; the Prometheus reporter turns the key into the label {@code camera_id},
 * giving {@code ..._kvs_hls_frames_total{camera_id="cam-1"}}. Names follow the Python reader.
 */
@PublicEvolving
public final class KvsSourceMetrics {

    /** The group under the reader's metric group that holds every camera. */
    public static final String GROUP = "kvs_hls";

    /** The key of each camera's group; its value is the camera id. */
    public static final String CAMERA_KEY = "camera_id";

    /** Counter: frames decoded and selected (before a mapper may drop them). */
    public static final String FRAMES = "frames_total";

    /** Counter: fragments fetched. */
    public static final String FRAGMENTS = "fragments_total";

    /** Counter: fragment bytes fetched. */
    public static final String BYTES = "bytes_total";

    /** Counter: sessions reopened after a failure. */
    public static final String RECONNECTS = "reconnects_total";

    /** Counter: sessions renewed before they expired. */
    public static final String URL_REFRESHES = "url_refreshes_total";

    /**
     * Counter: failed API calls, playlist or fragment fetches, fragments refused over their size
     * bound.
     */
    public static final String READ_ERRORS = "read_errors_total";

    /** Counter: fragments skipped because they could not be decoded. */
    public static final String DECODE_ERRORS = "decode_errors_total";

    /**
     * Counter: frames that could not be decoded because the camera joined its stream mid-GOP (at
     * the live edge, after a gap): the frames before the first key frame, which reference frames
     * never read. Not an error; a camera whose stream cuts fragments mid-GOP or has long GOPs shows
     * some whenever it starts.
     */
    public static final String FRAMES_WITHOUT_REFERENCE = "frames_without_reference_total";

    /** Counter: polls that found no recent fragment (the camera is idle). */
    public static final String IDLE_POLLS = "idle_polls_total";

    /** Gauge: the {@link ConnectionState} code, 0 to 4. */
    public static final String CONNECTION_STATE = "connection_state";

    /** Gauge: the event time of the last frame, in epoch seconds. */
    public static final String LAST_FRAME_TIMESTAMP = "last_frame_timestamp";

    /** Gauge: milliseconds from a frame's event time to when it was fetched (FLIP-33). */
    public static final String FETCH_LAG = "currentFetchEventTimeLag";

    private KvsSourceMetrics() {}
}
