package io.kvsinfer.connector.kvs.compat;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A {@link Sink} whose writer is made from a {@link WriterInitContext}, on every Flink line the
 * connector is built for. Flink 1.20 (this copy) still declares the deprecated, abstract {@code
 * createWriter(InitContext)}, which Flink 2.x removed; its runtime calls {@code
 * createWriter(WriterInitContext)}, so the old method is never used and only says so. The sinks of
 * the tests and examples extend this class instead of implementing {@link Sink}, so that one source
 * compiles against both.
 */
@Internal
public abstract class WriterSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public abstract SinkWriter<T> createWriter(WriterInitContext context)
            throws java.io.IOException;

    @Override
    @Deprecated
    public final SinkWriter<T> createWriter(InitContext context) {
        throw new UnsupportedOperationException(
                "Flink 1.20 creates sink writers with createWriter(WriterInitContext); "
                        + getClass().getName()
                        + " supports only that");
    }
}
