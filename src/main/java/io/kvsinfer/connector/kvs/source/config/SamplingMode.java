package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** Which decoded frames leave the source. Frames that are dropped are never colour-converted. */
@PublicEvolving
public enum SamplingMode {
    /** Every frame. */
    ALL_FRAMES,
    /** At most {@code source.kvs.sampling.fps} frames per second of producer time. */
    FPS,
    /** Key frames only; the decoder is told to skip every other frame. */
    KEY_FRAMES
}
