package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

/** The container a fragment comes in, with the FFmpeg demuxer that reads it. */
@Internal
public enum InputFormat {
    /** Fragmented MP4: an init segment (ftyp + moov) before each moof + mdat fragment. */
    FRAGMENTED_MP4("mp4"),
    /** MPEG transport stream: fragments that carry their parameters in-band. */
    MPEG_TS("mpegts");

    private final String demuxer;

    InputFormat(String demuxer) {
        this.demuxer = demuxer;
    }

    String demuxer() {
        return demuxer;
    }
}
