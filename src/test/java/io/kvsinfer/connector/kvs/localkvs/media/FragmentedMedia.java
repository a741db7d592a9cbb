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
}
