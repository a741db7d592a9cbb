package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.compat.WriterSink;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test sink that makes frames visible only when the checkpoint that covers them completes, and
 * each batch once even if Flink retries its commit. What it shows is therefore exactly what an
 * exactly-once sink would have written, so a test can tell whether the source replayed or lost
 * frames across a failure.
 */
public final class CommittedFramesSink extends WriterSink<FrameKey>
        implements SupportsCommitter<CommittedFramesSink.Batch> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Store> STORES = new ConcurrentHashMap<>();

    private final String storeId = UUID.randomUUID().toString();

    public CommittedFramesSink() {
        STORES.put(storeId, new Store());
    }

    /** Frames committed so far, in commit order. */
    public List<FrameKey> committed() {
        return STORES.get(storeId).snapshot();
    }

    /** How many frames were committed so far. */
    public int committedCount() {
        return STORES.get(storeId).size();
    }

    /** Heap the committed frames take in this sink, for tests that watch the heap of a long run. */
    public long retainedBytes() {
        return STORES.get(storeId).retainedBytes();
    }

    public void dispose() {
        STORES.remove(storeId);
    }

    @Override
    public SinkWriter<FrameKey> createWriter(WriterInitContext context) {
        return new Writer();
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        Store store = STORES.get(storeId);
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<Batch>> requests) {
                for (CommitRequest<Batch> request : requests) {
                    store.commit(request.getCommittable());
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new BatchSerializer();
    }

    /**
     * The frames of one writer between two checkpoints, with an id that makes commits idempotent.
     */
    public static final class Batch {
        final String id;
        final List<FrameKey> frames;

        Batch(String id, List<FrameKey> frames) {
            this.id = id;
            this.frames = frames;
        }
    }

    private static final class Writer implements CommittingSinkWriter<FrameKey, Batch> {
        private List<FrameKey> buffer = new ArrayList<>();

        @Override
        public void write(FrameKey frame, Context context) {
            buffer.add(frame);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public Collection<Batch> prepareCommit() {
            if (buffer.isEmpty()) {
                return Collections.emptyList();
            }
            Batch batch = new Batch(UUID.randomUUID().toString(), buffer);
            buffer = new ArrayList<>();
            return Collections.singletonList(batch);
        }

        @Override
        public void close() {}
    }

    private static final class Store {
        private final Set<String> committedIds = new HashSet<>();
        private final FrameKeyLog frames = new FrameKeyLog();

        synchronized void commit(Batch batch) {
            if (committedIds.add(batch.id)) {
                batch.frames.forEach(frames::append);
            }
        }

        synchronized List<FrameKey> snapshot() {
            return frames.toList();
        }

        synchronized int size() {
            return frames.size();
        }

        synchronized long retainedBytes() {
            // A batch id is a 36-character UUID string: about 96 bytes with its set entry.
            return frames.retainedBytes() + 96L * committedIds.size();
        }
    }

    private static final class BatchSerializer implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Batch batch) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64 + batch.frames.size() * 32);
            out.writeUTF(batch.id);
            out.writeInt(batch.frames.size());
            for (FrameKey frame : batch.frames) {
                out.writeUTF(frame.cameraId);
                out.writeLong(frame.timestampMillis);
                out.writeInt(frame.pixelIndex);
                out.writeInt(frame.width);
                out.writeInt(frame.height);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            String id = in.readUTF();
            int count = in.readInt();
            List<FrameKey> frames = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                frames.add(
                        new FrameKey(
                                in.readUTF(),
                                in.readLong(),
                                in.readInt(),
                                in.readInt(),
                                in.readInt()));
            }
            return new Batch(id, frames);
        }
    }
}
