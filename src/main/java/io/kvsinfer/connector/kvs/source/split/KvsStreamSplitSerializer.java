package io.kvsinfer.connector.kvs.source.split;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** Versioned serializer of {@link KvsStreamSplit}. Version 1 is the first; keep reading it. */
@Internal
public final class KvsStreamSplitSerializer implements SimpleVersionedSerializer<KvsStreamSplit> {

    public static final int CURRENT_VERSION = 1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(KvsStreamSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public KvsStreamSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException(
                    "Unknown KvsStreamSplit serializer version "
                            + version
                            + "; this build reads version 1 only");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        KvsStreamSplit split = read(in);
        if (in.available() > 0) {
            throw new IOException("Corrupt KvsStreamSplit: " + in.available() + " trailing bytes");
        }
        return split;
    }

    /** Writes a split in the current format; also used inside the enumerator state. */
    public static void write(KvsStreamSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.cameraId());
        out.writeUTF(split.stream());
        out.writeByte(split.startingPosition().kind().ordinal());
        out.writeLong(split.startingPosition().timestampMillis());
        out.writeLong(split.stoppingTimestampMillis());
        FragmentPosition position = split.position().orElse(null);
        out.writeBoolean(position != null);
        if (position != null) {
            out.writeUTF(position.fragmentNumber());
            out.writeLong(position.fragmentTimestampMillis());
            out.writeInt(position.framesConsumed());
            out.writeLong(position.lastEmittedTimestampMillis());
        }
    }

    /** Reads a split written by {@link #write} in version 1. */
    public static KvsStreamSplit read(DataInputView in) throws IOException {
        String cameraId = in.readUTF();
        String stream = in.readUTF();
        int kindOrdinal = in.readByte();
        long startMillis = in.readLong();
        StartingPosition.Kind[] kinds = StartingPosition.Kind.values();
        if (kindOrdinal < 0 || kindOrdinal >= kinds.length) {
            throw new IOException(
                    "Corrupt KvsStreamSplit: unknown starting position " + kindOrdinal);
        }
        StartingPosition start;
        switch (kinds[kindOrdinal]) {
            case EARLIEST:
                start = StartingPosition.earliest();
                break;
            case TIMESTAMP:
                start = StartingPosition.fromTimestamp(startMillis);
                break;
            default:
                start = StartingPosition.latest();
        }
        long stop = in.readLong();
        FragmentPosition position = null;
        if (in.readBoolean()) {
            position =
                    new FragmentPosition(in.readUTF(), in.readLong(), in.readInt(), in.readLong());
        }
        return new KvsStreamSplit(cameraId, stream, start, stop, position);
    }
}
