package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.net.URI;

/** A parsed HLS master playlist: the media playlist of the video track. */
@Internal
public final class MasterPlaylist {

    private final URI mediaPlaylistUri;
    private final String codecs;

    public MasterPlaylist(URI mediaPlaylistUri, String codecs) {
        this.mediaPlaylistUri = mediaPlaylistUri;
        this.codecs = codecs;
    }

    public URI mediaPlaylistUri() {
        return mediaPlaylistUri;
    }

    /** The CODECS attribute of the variant, or an empty string. */
    public String codecs() {
        return codecs;
    }
}
