package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

/**
 * Decides, after a frame is decoded but before it is colour-converted or copied, whether the caller
 * wants it. Frames it rejects cost only their decoding.
 */
@Internal
@FunctionalInterface
public interface FrameSampler {

    /** Keeps every frame. */
    FrameSampler ALL = (fragmentTag, index, offsetMillis, keyFrame) -> true;

    /**
     * @param fragmentTag the fragment whose packet carried the frame (see {@link
     *     DecodedFrame#fragmentTag()}); a stream's frames may belong to an earlier fragment than
     *     the one last opened
     * @param indexInFragment position of the frame in its fragment, in decoder output
     *     (presentation) order, from 0
     * @param offsetMillis presentation time of the frame minus that of its fragment's anchor (see
     *     {@link DecodedFrame#offsetMillis()})
     * @param keyFrame whether the frame is a key frame
     */
    boolean keep(long fragmentTag, int indexInFragment, long offsetMillis, boolean keyFrame);
}
