package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsBodyTooLargeException;
import io.kvsinfer.connector.kvs.hls.HlsHttpClient;
import io.kvsinfer.connector.kvs.hls.HlsPlaylistParser;
import io.kvsinfer.connector.kvs.hls.HlsSessionUrl;
import io.kvsinfer.connector.kvs.hls.MediaPlaylist;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;

import org.apache.flink.annotation.Internal;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One open HLS streaming session of a camera: resolves the media playlist from the master playlist
 * once, fetches media playlists, and fetches each init segment once (KVS changes the init segment's
 * URI when the codec data changes, so the URI is the cache key).
 */
@Internal
final class HlsSessionHandle {

    private final SessionPlan plan;
    private final HlsSessionUrl url;
    private final Instant expiresAt;
    private final HlsHttpClient http;
    private final long maxPlaylistBytes;
    private final long maxFragmentBytes;
    private final Map<URI, byte[]> initSegments = new HashMap<>();
    private URI mediaPlaylistUri;
    private final LivePollSchedule livePolls;
    private long lastPollMillis = Long.MIN_VALUE;

    /**
     * @param expiresAt when the session expires by the reader's own clock, taken before it was
     *     requested so that it errs early
     */
    HlsSessionHandle(
            SessionPlan plan,
            HlsSessionUrl url,
            Instant expiresAt,
            HlsHttpClient http,
            long maxPlaylistBytes,
            long maxFragmentBytes,
            LivePollSchedule livePolls) {
        this.livePolls = livePolls;
        this.plan = plan;
        this.url = url;
        this.expiresAt = expiresAt;
        this.http = http;
        this.maxPlaylistBytes = maxPlaylistBytes;
        this.maxFragmentBytes = maxFragmentBytes;
    }

    SessionPlan plan() {
        return plan;
    }

    MediaPlaylist fetchMediaPlaylist() {
        if (mediaPlaylistUri == null) {
            URI master = url.masterPlaylistUri();
            mediaPlaylistUri =
                    HlsPlaylistParser.parseMaster(fetchPlaylist(master), master).mediaPlaylistUri();
        }
        lastPollMillis = System.currentTimeMillis();
        livePolls.polled(lastPollMillis);
        return HlsPlaylistParser.parseMedia(fetchPlaylist(mediaPlaylistUri), mediaPlaylistUri);
    }

    private String fetchPlaylist(URI uri) {
        try {
            return http.fetchText(uri, maxPlaylistBytes);
        } catch (HlsBodyTooLargeException e) {
            throw e.limitedBy(KvsSourceOptions.MAX_PLAYLIST_SIZE.key());
        }
    }

    /** Time until the next live playlist poll is due; zero if due now. */
    Duration untilNextLivePoll() {
        return livePolls.untilNextPoll(System.currentTimeMillis());
    }

    /** The last playlist fetched showed a new newest fragment, starting at {@code startMillis}. */
    void newLiveFragment(long startMillis, long durationMillis) {
        livePolls.foundFragment(lastPollMillis, startMillis + durationMillis, durationMillis);
    }

    byte[] initSegment(URI uri) {
        byte[] cached = initSegments.get(uri);
        if (cached == null) {
            try {
                cached = http.fetchBytes(uri, maxFragmentBytes);
            } catch (HlsBodyTooLargeException e) {
                throw e.limitedBy(KvsSourceOptions.MAX_FRAGMENT_SIZE.key());
            }
            initSegments.put(uri, cached);
        }
        return cached;
    }

    boolean expiresWithin(Instant now, Duration margin) {
        return !now.plus(margin).isBefore(expiresAt);
    }
}
