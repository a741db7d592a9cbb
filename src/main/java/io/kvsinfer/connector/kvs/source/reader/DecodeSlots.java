package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets only a few cameras of this process decode at the same moment, about one per core. Each
 * camera has its own fetcher thread; with dozens of them runnable, every core would switch decoders
 * every frame or two, and each switch brings the next decoder's reference pictures back from
 * memory. A camera that gets a slot decodes a run of frames (to the end of its fragment, or for
 * {@link #MAX_RUN_MILLIS}) and then lets the camera that waited longest have it.
 *
 * <p>Slots are shared by all sources of this class loader that ask for the same number, so that the
 * readers of several subtasks in one TaskManager share the cores between them. The slots also know
 * how many cameras read here, which sets how many threads a decoder gets by default: all the slots
 * (and one more) for a lone camera, one each once cameras are as many as slots. And they know
 * whether every core is decoding right now, which decides where a frame's pixels are copied (see
 * {@link Holder#everyCoreDecoding()}).
 */
@Internal
final class DecodeSlots {

    /** A camera gives its slot up after decoding this long, so that the others keep up too. */
    static final long MAX_RUN_MILLIS = 100;

    private static final Map<Integer, DecodeSlots> SHARED = new ConcurrentHashMap<>();

    private final int count;
    private final int processors;
    private final Semaphore free;
    private final AtomicInteger cameras = new AtomicInteger();

    DecodeSlots(int count) {
        this(count, Runtime.getRuntime().availableProcessors());
    }

    DecodeSlots(int count, int processors) {
        Preconditions.checkArgument(count > 0, "decode slots must be positive, but were %s", count);
        this.count = count;
        this.processors = processors;
        this.free = new Semaphore(count, true);
    }

    /**
     * The slots of this process for {@code count} concurrent cameras; 0 means one per available
     * processor.
     */
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

    /**
     * A camera's hold on a slot, counted among the cameras until closed. Used by its fetcher thread
     * only.
     */
    Holder holder() {
        return new Holder();
    }

    /** Cameras with an open holder. */
    int cameras() {
        return cameras.get();
    }

    /**
     * Decoder threads for a camera whose decoder is set up now: its share of the slots, plus one
     * when that share is more than one (as FFmpeg sizes its own frame threads: one waits on input
     * while the others decode), and one thread when the cameras are as many as the slots.
     */
    int threadsPerCamera() {
        int share = count / Math.max(1, cameras.get());
        return share > 1 ? share + 1 : 1;
    }

    /** A camera's claim: it holds a slot or not; it never holds two. */
    final class Holder implements AutoCloseable {
        private boolean holding;
        private boolean closed;
        private long since;

        private Holder() {
            cameras.incrementAndGet();
        }

        /**
         * Holds a slot, waiting up to {@code timeoutMillis}; false if none came free (or
         * interrupted).
         */
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

        /**
         * Whether cameras hold as many slots as the process has cores, so every core is decoding.
         * Then a frame's copy into its array is done by the decoding thread, right after the
         * conversion while the pixels are still in its cache: handing it to the task thread would
         * only move it to a core that is busy decoding too, and bring the pixels there from memory
         * (3 to 4 % more CPU per frame at 62 to 72 live cameras on 2 cores). With a core to spare
         * the task thread copies, overlapping the decoding of the next frames.
         */
        boolean everyCoreDecoding() {
            return count - free.availablePermits() >= processors;
        }

        /**
         * Whether this camera has decoded for its whole run and should let another camera have the
         * slot.
         */
        boolean runIsOver() {
            return holding && System.nanoTime() - since > MAX_RUN_MILLIS * 1_000_000L;
        }

        void release() {
            if (holding) {
                holding = false;
                free.release();
            }
        }

        /** Gives the slot up and no longer counts this camera. */
        @Override
        public void close() {
            release();
            if (!closed) {
                closed = true;
                cameras.decrementAndGet();
            }
        }
    }
}
