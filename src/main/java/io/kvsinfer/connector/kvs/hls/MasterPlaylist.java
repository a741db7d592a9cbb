package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.net.URI;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A parsed HLS master playlist: the media playlist of the video track (KVS track 1) and, for
 * streams with audio, the audio rendition's media playlist (track 2), which the source never reads.
 */
@Internal
public final class MasterPlaylist {

    private final URI mediaPlaylistUri;
    private final String codecs;
    @Nullable private final URI audioPlaylistUri;

    public MasterPlaylist(URI mediaPlaylistUri, String codecs) {
        this(mediaPlaylistUri, codecs, null);
    }

    public MasterPlaylist(URI mediaPlaylistUri, String codecs, @Nullable URI audioPlaylistUri) {
        this.mediaPlaylistUri = mediaPlaylistUri;
        this.codecs = codecs;
        this.audioPlaylistUri = audioPlaylistUri;
    }

    /** The media playlist of the variant stream: the video track. */
    public URI mediaPlaylistUri() {
        return mediaPlaylistUri;
    }

    /** The CODECS attribute of the variant, or an empty string. */
    public String codecs() {
        return codecs;
    }

    /**
     * The video entries of {@link #codecs()} ({@code avc1}, {@code avc3}, {@code hvc1}, {@code
     * hev1}), without the audio ones such as {@code mp4a.40.2}; empty if none is named.
     */
    public String videoCodecs() {
        StringJoiner video = new StringJoiner(",");
        for (String codec : codecs.split(",")) {
            String c = codec.trim();
            String type = c.length() >= 4 ? c.substring(0, 4).toLowerCase(Locale.ROOT) : "";
            if (type.equals("avc1")
                    || type.equals("avc3")
                    || type.equals("hvc1")
                    || type.equals("hev1")) {
                video.add(c);
            }
        }
        return video.toString();
    }

    /** Whether the master names an audio rendition ({@code #EXT-X-MEDIA:TYPE=AUDIO}). */
    public boolean hasAudio() {
        return audioPlaylistUri != null;
    }

    /** The media playlist of the audio rendition, or null if the stream has no audio. */
    @Nullable
    public URI audioPlaylistUri() {
        return audioPlaylistUri;
    }
}
