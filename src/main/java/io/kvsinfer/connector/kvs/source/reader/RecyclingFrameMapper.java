package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.FrameMapper;

import org.apache.flink.annotation.Internal;

/**
 * A mapper whose records can be reused once they left the source. Flink lets a source reuse a
 * record after {@code SourceOutput#collect} returns: chained operators without object reuse get a
 * copy, with object reuse they must not keep their input, and anything not chained is serialized
 * during the call.
 *
 * <p>Such a mapper also maps on the task thread, right before its record is emitted, so that its
 * records are taken and given back on one thread and its copy of the pixels overlaps the fetcher
 * thread's decoding of the next frames. It must be cheap: it runs once per frame of every camera of
 * the reader.
 */
@Internal
interface RecyclingFrameMapper<T> extends FrameMapper<T> {

    /** Called by the task thread once {@code record} has been emitted. */
    void recycle(T record);
}
