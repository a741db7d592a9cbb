package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

/**
 * A decoded frame whose pixels stay valid after the decoder moved on, until {@link #release()}: the
 * decoder writes the following frames into other buffers meanwhile. Lets another thread read the
 * pixels while the decoder works on the next frames.
 */
@Internal
public interface HeldFrame extends DecodedFrame {

    /**
     * Gives the pixels back to the decoder; idempotent. Call it from any thread once done reading.
     */
    void release();
}
