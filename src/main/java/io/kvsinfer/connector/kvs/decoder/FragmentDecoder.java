package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * Decodes HLS fragments from memory with FFmpeg, one camera per instance, reused across fragments.
 * Not thread-safe.
 */
@Internal
public final class FragmentDecoder implements AutoCloseable {

    public FragmentDecoder(DecoderSettings settings) {
        throw new UnsupportedOperationException("being implemented");
    }

    /**
     * Starts decoding a fragment: {@code initSegment} + {@code fragment} for fMP4, {@code fragment}
     * alone (init null) for MPEG-TS.
     */
    public void open(@Nullable byte[] initSegment, byte[] fragment) throws CorruptFragmentException {
        throw new UnsupportedOperationException("being implemented");
    }

    /** The next frame the sampler keeps, or null at the end of the fragment. */
    @Nullable
    public DecodedFrame next(FrameSampler sampler) throws CorruptFragmentException {
        throw new UnsupportedOperationException("being implemented");
    }

    @Override
    public void close() {}
}
