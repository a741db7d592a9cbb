package io.kvsinfer.connector.kvs.testing;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;

/**
 * A source output for tests about records: watermarks and idleness, which cameras announce before
 * their first frame and between fragments, are ignored.
 */
public abstract class RecordsOnlyOutput<T> implements SourceOutput<T> {

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}
}
