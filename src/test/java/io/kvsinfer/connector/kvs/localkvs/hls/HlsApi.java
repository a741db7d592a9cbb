package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.http.KvsHandler;
import io.kvsinfer.connector.kvs.localkvs.http.KvsRequest;
import io.kvsinfer.connector.kvs.localkvs.http.KvsResponse;
import io.kvsinfer.connector.kvs.localkvs.http.RateLimits;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/** Serves the five HLS requests of a streaming session under {@code /hls/v1/}. */
@Internal
public final class HlsApi {

    private static final long CACHE_BYTES = 32L << 20;

    private final HlsSessions sessions;
    private final RateLimits limits;
    private final InstantSource clock;
    private final MediaStats stats;
    private final FragmentCache cache = new FragmentCache(CACHE_BYTES);

    public HlsApi(HlsSessions sessions, RateLimits limits, InstantSource clock, MediaStats stats) {
        this.sessions = sessions;
        this.limits = limits;
        this.clock = clock;
        this.stats = stats;
    }

    public void register(Map<KvsOperation, KvsHandler> handlers) {
        handlers.put(KvsOperation.GET_HLS_MASTER_PLAYLIST, this::masterPlaylist);
        handlers.put(KvsOperation.GET_HLS_MEDIA_PLAYLIST, this::mediaPlaylist);
        handlers.put(KvsOperation.GET_MP4_INIT_FRAGMENT, this::initFragment);
        handlers.put(KvsOperation.GET_MP4_MEDIA_FRAGMENT, this::mediaFragment);
        handlers.put(KvsOperation.GET_TS_FRAGMENT, this::mediaFragment);
    }

    /** The session of the request, which must be live and whose stream must still exist. */
    private HlsSession session(KvsRequest request, long tpsLimit) {
        HlsSession session = sessions.require(request.query().get("SessionToken"));
        String track = request.query().get("TrackNumber");
        if (track != null && !"1".equals(track) && !("2".equals(track) && hasAudio(session))) {
            throw KvsError.invalidArgument(
                    hasAudio(session)
                            ? "TrackNumber must be 1 (video) or 2 (audio)."
                            : "TrackNumber must be 1: the stream has one video track and no"
                                    + " audio.");
        }
        if (session.stream().isDeleted()) {
            throw KvsError.notFound("The stream of this streaming session was deleted.");
        }
        limits.charge("session/" + session.token() + "/" + request.operation(), 1, tpsLimit);
        return session;
    }

    /** Track 2 of a request: the audio track. */
    private static int track(KvsRequest request) {
        return "2".equals(request.query().get("TrackNumber")) ? 2 : 1;
    }

    private static boolean hasAudio(HlsSession session) {
        FragmentedMedia media = session.stream().media(session.primaryInitId());
        return media != null && media.hasAudio();
    }

    private KvsResponse masterPlaylist(KvsRequest request) {
        HlsSession session = session(request, 5);
        FragmentedMedia media = session.stream().media(session.primaryInitId());
        if (media == null) {
            List<FragmentRecord> newest = session.stream().newest(1);
            media = newest.isEmpty() ? null : session.stream().media(newest.get(0).initId());
        }
        if (media == null) {
            throw KvsError.notFound(HlsWindow.NO_FRAGMENTS);
        }
        return KvsResponse.playlist(
                PlaylistWriter.master(session, media, stats.peakBitsPerSecond(media)));
    }

    private KvsResponse mediaPlaylist(KvsRequest request) {
        HlsSession session = session(request, 5);
        // Each media playlist costs its MaxMediaPlaylistFragmentResults from the stream's budget.
        limits.charge(
                "stream/" + session.stream().arn() + "/metadata",
                session.spec().maxFragmentResults(),
                10_000);
        HlsWindow window = HlsWindow.of(session, clock.millis());
        return KvsResponse.playlist(PlaylistWriter.media(session, window, track(request)));
    }

    private KvsResponse initFragment(KvsRequest request) {
        HlsSession session = session(request, 5);
        int initId = session.primaryInitId();
        String param = request.query().get("InitId");
        if (param != null) {
            initId = parseInitId(param);
        }
        FragmentedMedia media = session.stream().media(initId);
        if (media == null) {
            throw KvsError.notFound("The requested init fragment is no longer available.");
        }
        if (track(request) == 2) {
            if (!media.hasAudio()) {
                throw KvsError.notFound("The requested init fragment has no audio track.");
            }
            return new KvsResponse("audio/mp4", media.audioInitSegment());
        }
        return new KvsResponse("video/mp4", media.initSegment());
    }

    private static int parseInitId(String param) {
        if (param.isEmpty()
                || param.length() > 9
                || !param.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw KvsError.invalidArgument("InitId is not valid.");
        }
        return Integer.parseInt(param);
    }

    private KvsResponse mediaFragment(KvsRequest request) {
        HlsSession session = session(request, 20);
        String number = request.query().get("FragmentNumber");
        if (number == null || number.isEmpty()) {
            throw KvsError.invalidArgument("FragmentNumber is required.");
        }
        if (number.length() > 128 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw KvsError.invalidArgument("FragmentNumber must be a decimal number.");
        }
        StreamState stream = session.stream();
        FragmentRecord record = stream.find(number);
        if (record == null || !session.covers(record)) {
            throw KvsError.notFound(
                    "The requested fragment was not found in this streaming session.");
        }
        limits.charge("stream/" + stream.arn() + "/fragments", 1, 500);
        FragmentedMedia media = stream.media(record.initId());
        if (media == null) {
            throw KvsError.notFound(
                    "The requested fragment was not found in this streaming session.");
        }
        boolean ts = request.operation() == KvsOperation.GET_TS_FRAGMENT;
        // TS fragments carry every track; fMP4 ones only the requested track.
        boolean audio = !ts && track(request) == 2;
        if (audio && !media.hasAudio()) {
            throw KvsError.notFound(
                    "The requested fragment was not found in this streaming session.");
        }
        String key = stream.arn() + (ts ? "/ts/" : audio ? "/mp4a/" : "/mp4/") + record.sequence();
        byte[] bytes =
                cache.get(
                        key,
                        () -> {
                            if (ts) {
                                return media.tsFragment(
                                        record.mediaIndex(), record.producerMillis());
                            }
                            return audio
                                    ? media.audioMp4Fragment(
                                            record.mediaIndex(),
                                            record.producerMillis(),
                                            record.sequence() + 1)
                                    : media.mp4Fragment(
                                            record.mediaIndex(),
                                            record.producerMillis(),
                                            record.sequence() + 1);
                        });
        return new KvsResponse(ts ? "video/mp2t" : audio ? "audio/mp4" : "video/mp4", bytes);
    }
}
