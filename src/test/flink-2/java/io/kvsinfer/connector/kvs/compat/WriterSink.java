package io.kvsinfer.connector.kvs.compat;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A {@link Sink} whose writer is made from a {@link WriterInitContext}, on every Flink line the
 * connector is built for. Flink 2.x (this copy) has only {@code createWriter(WriterInitContext)};
 * Flink 1.20 also has the abstract, deprecated {@code createWriter(InitContext)}, which its copy of
 * this class implements. The sinks of the tests and examples extend this class instead of
 * implementing {@link Sink}, so that one source compiles against both.
 */
@Internal
public abstract class WriterSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public abstract SinkWriter<T> createWriter(WriterInitContext context)
            throws java.io.IOException;
}
