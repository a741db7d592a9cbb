package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Encoded video cut into fragments that each start with a key frame, ready to be served by LocalKvs
 * in a loop. Encoding happens once; serving a fragment only re-times bytes that already exist,
 * which keeps a live LocalKvs stream cheap.
 *
 * <p>Implementations are immutable and thread-safe.
 */
@PublicEvolving
public interface FragmentedMedia {

    /**
     * Matroska codec id of track 1, as KVS reports it: {@code V_MPEG/ISO/AVC} or {@code
     * V_MPEG/ISO/HEVC}.
     */
    String codecId();

    /** RFC 6381 codec string for the HLS master playlist, for example {@code avc1.42c01f}. */
    String hlsCodecs();

    int width();

    int height();

    double frameRate();

    /** Number of distinct fragments in one loop. */
    int fragmentCount();

    /** Frames in fragment {@code index} (0-based, below {@link #fragmentCount()}). */
    int frameCount(int index);

    /** Duration of fragment {@code index} in milliseconds. */
    long durationMillis(int index);

    /** The fMP4 initialization segment ({@code ftyp} + {@code moov}) shared by all fragments. */
    byte[] initSegment();

    /**
     * Fragment {@code index} as an fMP4 media segment ({@code moof} + {@code mdat}) whose first
     * sample is presented at {@code startMillis} (epoch milliseconds), with the given {@code mfhd}
     * sequence number.
     */
    byte[] mp4Fragment(int index, long startMillis, long sequenceNumber);

    /**
     * Fragment {@code index} as a self-contained MPEG-TS segment (PAT, PMT, PES) whose first frame
     * is presented at {@code startMillis} (epoch milliseconds, wrapped to 33-bit 90 kHz PTS).
     */
    byte[] tsFragment(int index, long startMillis);

    /**
     * Whether the media has an AAC audio track (KVS track 2) beside the video. Then the master
     * playlist names it, {@link #tsFragment} carries it on a second PID, and the fMP4 audio track
     * is served on its own (TrackNumber=2), as KVS serves one fMP4 track per media playlist.
     */
    default boolean hasAudio() {
        return false;
    }

    /** RFC 6381 codec string of the audio track, {@code mp4a.40.2} for AAC-LC. */
    default String audioHlsCodecs() {
        throw new UnsupportedOperationException("the media has no audio track");
    }

    /** The fMP4 init segment of the audio track alone. */
    default byte[] audioInitSegment() {
        throw new UnsupportedOperationException("the media has no audio track");
    }

    /**
     * The audio of fragment {@code index} as an fMP4 media segment of the audio track alone, timed
     * like {@link #mp4Fragment} with the same start.
     */
    default byte[] audioMp4Fragment(int index, long startMillis, long sequenceNumber) {
        throw new UnsupportedOperationException("the media has no audio track");
    }
}
