package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Output pixel memory that decoders leave here while their camera waits for its turn to decode, for
 * the cameras whose turn it is. Only about one camera per core decodes at a time, so the process
 * needs output memory for those few, not for every camera: a thousand live 720p cameras would
 * otherwise keep 2.8 GB of direct memory for pictures they convert once every two seconds. The most
 * recently left memory goes out first, while it is still in the cache. Keeps at most {@code
 * maxIdleBytes}; more is left to the collector. Thread-safe.
 */
@Internal
final class IdlePixelMemory {

    /** The process's: decoders of every source in a TaskManager share it, as they share slots. */
    static final IdlePixelMemory SHARED = new IdlePixelMemory(64L << 20);

    private final long maxIdleBytes;
    private final Map<Integer, ArrayDeque<ByteBuffer>> idleBySize = new HashMap<>();
    private long idleBytes;

    IdlePixelMemory(long maxIdleBytes) {
        this.maxIdleBytes = maxIdleBytes;
    }

    /** Idle memory of exactly {@code size} bytes (its capacity), or null if none is left here. */
    @Nullable
    synchronized ByteBuffer take(int size) {
        ArrayDeque<ByteBuffer> idle = idleBySize.get(size);
        if (idle == null || idle.isEmpty()) {
            return null;
        }
        idleBytes -= size;
        return idle.pop().clear();
    }

    /** Leaves {@code memory}, which nothing reads or writes any more, for another decoder. */
    synchronized void leave(ByteBuffer memory) {
        int size = memory.capacity();
        if (idleBytes + size > maxIdleBytes) {
            return;
        }
        idleBySize.computeIfAbsent(size, k -> new ArrayDeque<>()).push(memory);
        idleBytes += size;
    }

    synchronized long idleBytes() {
        return idleBytes;
    }
}
