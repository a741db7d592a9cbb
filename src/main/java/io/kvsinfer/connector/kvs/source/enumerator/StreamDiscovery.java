package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.List;

/** Finds the streams that are cameras right now. Called from the enumerator's worker thread. */
@Internal
interface StreamDiscovery extends AutoCloseable {

    /** The matching streams, each once; throws on failure (the enumerator tries again later). */
    List<DiscoveredStream> discover() throws Exception;

    @Override
    default void close() {}
}
