package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;

/** Finds the streams that are cameras right now. Called from the enumerator's worker thread. */
@Internal
interface StreamDiscovery extends AutoCloseable {

    /**
     * One round: the matching streams, each once, and whether every stream could be decided. Throws
     * when the round learned nothing (the enumerator tries again later).
     */
    DiscoveryRound discover() throws Exception;

    @Override
    default void close() {}
}
