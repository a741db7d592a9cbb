package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.net.URI;
import java.time.Instant;

/** An open HLS session: its master playlist URL (which carries the token) and when it expires. */
@Internal
public final class HlsSessionUrl {

    private final URI masterPlaylistUri;
    private final Instant expiresAt;

    public HlsSessionUrl(URI masterPlaylistUri, Instant expiresAt) {
        this.masterPlaylistUri = masterPlaylistUri;
        this.expiresAt = expiresAt;
    }

    public URI masterPlaylistUri() {
        return masterPlaylistUri;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return SessionTokenRedactor.redact(masterPlaylistUri) + " (expires " + expiresAt + ")";
    }
}
