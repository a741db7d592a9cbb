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

/**
 * Versioned serializer of {@link KvsEnumeratorState}. Version 2 added the discovered cameras and
 * the time of the last discovery; version 1 checkpoints are still read (with nothing discovered).
 */
@Internal
public final class KvsEnumeratorStateSerializer
        implements SimpleVersionedSerializer<KvsEnumeratorState> {

    public static final int CURRENT_VERSION = 2;

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
        out.writeInt(state.discoveredCameras().size());
        for (Map.Entry<String, String> entry : state.discoveredCameras().entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeUTF(entry.getValue());
        }
        out.writeLong(state.lastDiscoveryMillis());
        return out.getCopyOfBuffer();
    }

    @Override
    public KvsEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != 2) {
            throw new IOException(
                    "Unknown KvsEnumeratorState serializer version "
                            + version
                            + "; this build reads versions 1 and 2");
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
        Map<String, String> discovered = new LinkedHashMap<>();
        long lastDiscovery = -1;
        if (version >= 2) {
            int discoveredCount = readCount(in.readInt(), "discovered cameras");
            for (int i = 0; i < discoveredCount; i++) {
                discovered.put(in.readUTF(), in.readUTF());
            }
            lastDiscovery = in.readLong();
        }
        if (in.available() > 0) {
            throw new IOException(
                    "Corrupt KvsEnumeratorState: " + in.available() + " trailing bytes");
        }
        return new KvsEnumeratorState(owners, unassigned, discovered, lastDiscovery);
    }

    private static int readCount(int count, String what) throws IOException {
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException(
                    "Corrupt KvsEnumeratorState: "
                            + count
                            + " "
                            + what
                            + " (allowed 0 to "
                            + MAX_ENTRIES
                            + ")");
        }
        return count;
    }
}
