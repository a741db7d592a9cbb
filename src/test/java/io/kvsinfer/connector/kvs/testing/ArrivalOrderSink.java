package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.compat.WriterSink;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test sink that keeps frames in the order they arrive and never blocks, unlike the collect sink,
 * which waits for its client and so stalls the source task's timers (watermark reports among them)
 * while it waits.
 */
public final class ArrivalOrderSink extends WriterSink<FrameKey> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Arrival>> STORES =
            new ConcurrentHashMap<>();

    private final String storeId = UUID.randomUUID().toString();

    public ArrivalOrderSink() {
        STORES.put(storeId, new ConcurrentLinkedQueue<>());
    }

    /** Frames received so far, in arrival order, with when each arrived. */
    public List<Arrival> received() {
        return new ArrayList<>(STORES.get(storeId));
    }

    public int size() {
        return STORES.get(storeId).size();
    }

    public void dispose() {
        STORES.remove(storeId);
    }

    @Override
    public SinkWriter<FrameKey> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Arrival> store = STORES.get(storeId);
        return new SinkWriter<>() {
            @Override
            public void write(FrameKey frame, Context context) {
                store.add(new Arrival(frame, System.nanoTime()));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** A frame and the {@link System#nanoTime()} at which it reached the sink. */
    public static final class Arrival {
        public final FrameKey frame;
        public final long nanos;

        Arrival(FrameKey frame, long nanos) {
            this.frame = frame;
            this.nanos = nanos;
        }
    }
}
