package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets only a few cameras of this process decode at the same moment, about one per core. Each
 * camera has its own fetcher thread; with dozens of them runnable, every core would switch
 * decoders every frame or two, and each switch brings the next decoder's reference pictures back
 * from memory. A camera that gets a slot decodes a run of frames (to the end of its fragment, or
 * for {@link #MAX_RUN_MILLIS}) and then lets the camera that waited longest have it.
 *
 * <p>Slots are shared by all sources of this class loader that ask for the same number, so that
 * the readers of several subtasks in one TaskManager share the cores between them.
 */
@Internal
final class DecodeSlots {

    /** A camera gives its slot up after decoding this long, so that the others keep up too. */
    static final long MAX_RUN_MILLIS = 100;

    private static final Map<Integer, DecodeSlots> SHARED = new ConcurrentHashMap<>();

    private final int count;
    private final Semaphore free;

    DecodeSlots(int count) {
        Preconditions.checkArgument(count > 0, "decode slots must be positive, but were %s", count);
        this.count = count;
        this.free = new Semaphore(count, true);
    }

    /** The slots of this process for {@code count} concurrent cameras; 0 means one per available processor. */
    static DecodeSlots shared(int count) {
        int slots = count == 0 ? Runtime.getRuntime().availableProcessors() : count;
        return SHARED.computeIfAbsent(slots, DecodeSlots::new);
    }

    int count() {
        return count;
    }

    /** Slots not held right now. */
    int available() {
        return free.availablePermits();
    }

    /** One camera's hold on a slot. Used by the camera's fetcher thread only. */
    Holder holder() {
        return new Holder();
    }

    /** A camera's claim: it holds a slot or not; it never holds two. */
    final class Holder {
        private boolean holding;
        private long since;

        /** Holds a slot, waiting up to {@code timeoutMillis}; false if none came free (or interrupted). */
        boolean acquire(long timeoutMillis) {
            if (holding) {
                return true;
            }
            try {
                holding = free.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            since = System.nanoTime();
            return holding;
        }

        boolean isHolding() {
            return holding;
        }

        /** Whether this camera has decoded for its whole run and should let another camera have the slot. */
        boolean runIsOver() {
            return holding && System.nanoTime() - since > MAX_RUN_MILLIS * 1_000_000L;
        }

        void release() {
            if (holding) {
                holding = false;
                free.release();
            }
        }
    }
}
