package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Versioned serializer of {@link KvsEnumeratorState}. Version 1 is the first; keep reading it. */
@Internal
public final class KvsEnumeratorStateSerializer implements SimpleVersionedSerializer<KvsEnumeratorState> {

    public static final int CURRENT_VERSION = 1;
    /** Sanity bound on counts read from a checkpoint, so corrupt bytes fail clearly. */
    private static final int MAX_ENTRIES = 1_000_000;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(KvsEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.assignedOwners().size());
        for (Map.Entry<String, Integer> entry : state.assignedOwners().entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeInt(entry.getValue());
        }
        out.writeInt(state.unassigned().size());
        for (KvsStreamSplit split : state.unassigned()) {
            KvsStreamSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public KvsEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException(
                    "Unknown KvsEnumeratorState serializer version " + version + "; this build reads version 1 only");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int assignedCount = readCount(in.readInt(), "assigned cameras");
        Map<String, Integer> owners = new LinkedHashMap<>();
        for (int i = 0; i < assignedCount; i++) {
            owners.put(in.readUTF(), in.readInt());
        }
        int unassignedCount = readCount(in.readInt(), "unassigned splits");
        List<KvsStreamSplit> unassigned = new ArrayList<>(unassignedCount);
        for (int i = 0; i < unassignedCount; i++) {
            unassigned.add(KvsStreamSplitSerializer.read(in));
        }
        if (in.available() > 0) {
            throw new IOException("Corrupt KvsEnumeratorState: " + in.available() + " trailing bytes");
        }
        return new KvsEnumeratorState(owners, unassigned);
    }

    private static int readCount(int count, String what) throws IOException {
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("Corrupt KvsEnumeratorState: " + count + " " + what + " (allowed 0 to " + MAX_ENTRIES + ")");
        }
        return count;
    }
}
