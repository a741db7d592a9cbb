package io.kvsinfer.connector.kvs.localkvs;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Every request LocalKvs answers, named after the KVS operation, with the HTTP method and path the
 * AWS SDK for Java v2 (or an HLS player) uses for it. Used to count requests and to aim injected
 * faults.
 */
@PublicEvolving
public enum KvsOperation {
    CREATE_STREAM("POST", "/createStream"),
    DELETE_STREAM("POST", "/deleteStream"),
    DESCRIBE_STREAM("POST", "/describeStream"),
    LIST_STREAMS("POST", "/listStreams"),
    LIST_TAGS_FOR_STREAM("POST", "/listTagsForStream"),
    TAG_STREAM("POST", "/tagStream"),
    UNTAG_STREAM("POST", "/untagStream"),
    GET_DATA_ENDPOINT("POST", "/getDataEndpoint"),
    GET_HLS_STREAMING_SESSION_URL("POST", "/getHLSStreamingSessionURL"),
    LIST_FRAGMENTS("POST", "/listFragments"),
    GET_HLS_MASTER_PLAYLIST("GET", "/hls/v1/getHLSMasterPlaylist.m3u8"),
    GET_HLS_MEDIA_PLAYLIST("GET", "/hls/v1/getHLSMediaPlaylist.m3u8"),
    GET_MP4_INIT_FRAGMENT("GET", "/hls/v1/getMP4InitFragment.mp4"),
    GET_MP4_MEDIA_FRAGMENT("GET", "/hls/v1/getMP4MediaFragment.mp4"),
    GET_TS_FRAGMENT("GET", "/hls/v1/getTSFragment.ts"),
    /** STS's AssumeRole (AWS Query protocol: a form POST to the root), for cross-account tests. */
    ASSUME_ROLE("POST", "/");

    private final String method;
    private final String path;

    KvsOperation(String method, String path) {
        this.method = method;
        this.path = path;
    }

    /** The HTTP method of the request: {@code POST} for the JSON API, {@code GET} for HLS. */
    public String method() {
        return method;
    }

    /** The request path, without query string. */
    public String path() {
        return path;
    }

    /** Whether this is one of the five HLS requests that need a session token. */
    public boolean isHls() {
        return path.startsWith("/hls/");
    }

    /** Whether this request returns media bytes (an fMP4 or MPEG-TS media fragment). */
    public boolean isMediaFragment() {
        return this == GET_MP4_MEDIA_FRAGMENT || this == GET_TS_FRAGMENT;
    }

    /** The operation served at {@code path}, or {@code null} if there is none. */
    public static KvsOperation forPath(String path) {
        for (KvsOperation op : values()) {
            if (op.path.equals(path)) {
                return op;
            }
        }
        return null;
    }
}
