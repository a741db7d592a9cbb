package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The live streaming sessions by token. Thread-safe. */
@Internal
public final class HlsSessions {

    /** Expired sessions are remembered this long so they answer "expired", not "not valid". */
    private static final long FORGET_AFTER_MILLIS = 3_600_000L;

    private final ConcurrentMap<String, HlsSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final InstantSource clock;

    public HlsSessions(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Opens a session on {@code stream}: LIVE needs a fragment that ended in the last 30 s, the
     * other modes a fragment in their range; otherwise ResourceNotFoundException.
     */
    public HlsSession open(StreamState stream, HlsSessionSpec spec) {
        if (spec.mode() == HLSPlaybackMode.LIVE) {
            List<FragmentRecord> window = stream.newest(spec.maxFragmentResults());
            HlsWindow.checkLive(window, clock.millis());
            return create(
                    stream, spec, window.get(0).sequence(), window.get(window.size() - 1).initId());
        }
        // The range check does not depend on the session, so a probe session can run it.
        HlsSession probe = new HlsSession("", stream, spec, clock.millis(), 0, 0);
        List<FragmentRecord> selected = HlsWindow.selectInRange(probe);
        if (selected.isEmpty()) {
            throw KvsError.notFound(HlsWindow.NO_FRAGMENTS);
        }
        return create(stream, spec, 0, selected.get(0).initId());
    }

    private HlsSession create(
            StreamState stream, HlsSessionSpec spec, long firstLiveSequence, int primaryInitId) {
        // AWS's tokens are about 150 URL-safe base64 characters ending in '~'; so are these.
        byte[] bytes = new byte[111];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "~";
        HlsSession session =
                new HlsSession(
                        token, stream, spec, clock.millis(), firstLiveSequence, primaryInitId);
        sessions.put(token, session);
        return session;
    }

    /** Tokens of the sessions still remembered, expired ones included. */
    public java.util.Set<String> tokens() {
        return java.util.Set.copyOf(sessions.keySet());
    }

    /** The live session for {@code token}; a missing, unknown or expired token is a 403. */
    public HlsSession require(String token) {
        if (token == null || token.isEmpty()) {
            throw KvsError.forbidden("SessionToken is required.");
        }
        HlsSession session = sessions.get(token);
        if (session == null) {
            throw KvsError.forbidden("Streaming session token is not valid.");
        }
        if (session.isExpired(clock.millis())) {
            throw KvsError.forbidden("Streaming session token is expired");
        }
        return session;
    }

    public void expireAll() {
        sessions.values().forEach(HlsSession::expireNow);
    }

    public int size() {
        return sessions.size();
    }

    /** Forgets sessions that expired long ago, so memory stays flat. */
    public void purge() {
        long cutoff = clock.millis() - FORGET_AFTER_MILLIS;
        sessions.values().removeIf(s -> s.expiresAtMillis() < cutoff);
    }
}
