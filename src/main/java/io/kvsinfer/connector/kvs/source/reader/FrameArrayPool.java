package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Pixel arrays that frames which already left the source hand back for the next frames of the same
 * size. A 1080p BGR24 frame is 6 MB: allocating (and zeroing) one per frame, and collecting it,
 * costs more than copying the pixels into it. Thread-safe: fetcher threads take, the task thread
 * gives back. Keeps at most {@code maxIdleBytes} of idle arrays; more are left to the collector.
 */
@Internal
public final class FrameArrayPool {

    private final long maxIdleBytes;
    private final Map<Integer, ArrayDeque<byte[]>> idleByLength = new HashMap<>();
    private long idleBytes;
    private long reused;
    private long allocated;

    public FrameArrayPool(long maxIdleBytes) {
        this.maxIdleBytes = maxIdleBytes;
    }

    /** An array of exactly {@code length} bytes with arbitrary content. */
    public byte[] take(int length) {
        synchronized (this) {
            ArrayDeque<byte[]> idle = idleByLength.get(length);
            if (idle != null && !idle.isEmpty()) {
                idleBytes -= length;
                reused++;
                return idle.pop();
            }
            allocated++;
        }
        return new byte[length];
    }

    /** Gives back an array taken from this pool that nothing references any more. */
    public synchronized void giveBack(byte[] array) {
        if (array == null || idleBytes + array.length > maxIdleBytes) {
            return;
        }
        idleByLength.computeIfAbsent(array.length, k -> new ArrayDeque<>()).push(array);
        idleBytes += array.length;
    }

    synchronized long reusedCount() {
        return reused;
    }

    synchronized long allocatedCount() {
        return allocated;
    }

    synchronized long idleBytes() {
        return idleBytes;
    }
}
