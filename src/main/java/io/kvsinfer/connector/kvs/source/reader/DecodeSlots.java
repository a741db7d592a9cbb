package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets only a few cameras of this process decode at the same moment, about one per core. Each
 * camera has its own fetcher thread; with dozens of them runnable, every core would switch decoders
 * every frame or two, and each switch brings the next decoder's reference pictures back from
 * memory. A camera that gets a slot decodes a run of frames (to the end of its fragment, or for
 * {@link #MAX_RUN_MILLIS}) and then lets the camera that waited longest have it.
 *
 * <p>Cameras wait in one line, first come first served, and keep their place in it when a wait ends
 * before their turn (a fetch returns to Flink now and then, and a wake-up cuts a wait short): a
 * freed slot goes straight to the camera at the head of the line. With timed-out waits that went
 * back to the end of the line, the order was lost whenever waits outlasted the timeout, as they do
 * with dozens of cameras, and a camera that waits too long falls behind the live edge.
 *
 * <p>Slots are shared by all sources of this class loader that ask for the same number, so that the
 * readers of several subtasks in one TaskManager share the cores between them. The slots also know
 * how many cameras read here, which sets how many threads a decoder gets by default: all the slots
 * (and two more) for a lone camera, one each once cameras are as many as slots. And they know
 * whether every core is decoding right now, which decides where a frame's pixels are copied (see
 * {@link Holder#everyCoreDecoding()}).
 */
@Internal
final class DecodeSlots {

    /** A camera gives its slot up after decoding this long, so that the others keep up too. */
    static final long MAX_RUN_MILLIS = 100;

    /**
     * A camera that handed a batch to Flink with its slot held, and is not back this long after, is
     * held up by a full element queue (backpressure), not decoding: the camera at the head of the
     * line takes the slot, so that one backpressured reader does not stop the decoding of the
     * others that share the slots. Handing a batch over takes microseconds otherwise.
     */
    static final long AWAY_MILLIS = 50;

    private static final Map<Integer, DecodeSlots> SHARED = new ConcurrentHashMap<>();

    private final int count;
    private final int processors;
    private final AtomicInteger cameras = new AtomicInteger();

    /** Guards the line and every holder's state. */
    private final ReentrantLock lock = new ReentrantLock();

    private final ArrayDeque<Holder> line = new ArrayDeque<>();

    /** The holders of the slots; under the lock. */
    private final Set<Holder> holders = new HashSet<>();

    /** Slots no camera holds; written under the lock. */
    private volatile int free;

    DecodeSlots(int count) {
        this(count, Runtime.getRuntime().availableProcessors());
    }

    DecodeSlots(int count, int processors) {
        Preconditions.checkArgument(count > 0, "decode slots must be positive, but were %s", count);
        this.count = count;
        this.processors = processors;
        this.free = count;
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
        return free;
    }

    /** Cameras waiting in line for a slot. */
    int waiting() {
        lock.lock();
        try {
            return line.size();
        } finally {
            lock.unlock();
        }
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
     * Decoder threads for a camera whose decoder is set up now: its share of the slots plus two
     * when that share is more than one, and one thread when the cameras are as many as the slots.
     * FFmpeg sizes its own frame threads as the cores plus one, as one waits on input. Ours need
     * one more: the camera's own thread converts every frame to the output format, and meanwhile
     * hands the decoder no packets. A lone 1080p30 camera on 2 cores read 7 % faster with 4 threads
     * than with 3 (7 of 7 rounds); 5 were no faster than 4.
     */
    int threadsPerCamera() {
        int share = count / Math.max(1, cameras.get());
        return share > 1 ? share + 2 : 1;
    }

    /** Under the lock: a slot given up goes to the head of the line, or becomes free. */
    private void handOver() {
        Holder next = line.poll();
        if (next == null) {
            free++;
            return;
        }
        next.inLine = false;
        next.grant();
        wakeHead();
    }

    /**
     * Under the lock: the camera now at the head of the line starts looking for a holder away from
     * its slot (see {@link #AWAY_MILLIS}) rather than sleeping out a wait meant for a later place
     * in the line.
     */
    private void wakeHead() {
        Holder head = line.peek();
        if (head != null) {
            head.turn.signal();
        }
    }

    /**
     * Under the lock: takes the slot of a camera away longer than {@link #AWAY_MILLIS} for the head
     * of the line; false if no camera is.
     */
    private boolean takeFromAwayHolder() {
        long now = System.nanoTime();
        for (Holder holder : holders) {
            if (holder.awaySince != 0 && now - holder.awaySince > AWAY_MILLIS * 1_000_000L) {
                holder.takenWhileAway = true;
                holder.giveUpSlot();
                return true;
            }
        }
        return false;
    }

    /**
     * A camera's claim: it holds a slot, waits in line for one, or neither; it never holds two. Its
     * fetcher thread acquires, releases and closes; {@link #wakeUp()} may come from any thread.
     */
    final class Holder implements AutoCloseable {
        private final Condition turn = lock.newCondition();
        private volatile boolean holding;
        private boolean inLine;
        private boolean woken;
        private boolean closed;
        private long since;

        /** When the camera handed a batch to Flink with its slot held; 0 while it is not away. */
        private long awaySince;

        /** Whether a waiting camera took the slot while this one was away. */
        private boolean takenWhileAway;

        private Holder() {
            cameras.incrementAndGet();
        }

        /**
         * Holds a slot, waiting up to {@code timeoutMillis} for it; false if the turn did not come
         * within that time, a {@link #wakeUp()} ended the wait, or the thread was interrupted. A
         * camera that did not get a slot keeps its place in the line for its next call.
         */
        boolean acquire(long timeoutMillis) {
            if (holding) {
                return true;
            }
            lock.lock();
            try {
                if (!inLine) {
                    if (free > 0 && line.isEmpty()) {
                        free--;
                        grant();
                        return true;
                    }
                    line.add(this);
                    inLine = true;
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                long left;
                while (!holding && !woken && (left = deadline - System.nanoTime()) > 0) {
                    if (line.peek() == this && takeFromAwayHolder()) {
                        continue;
                    }
                    // The head of the line looks again for a camera held up away from its slot.
                    turn.awaitNanos(
                            line.peek() == this
                                    ? Math.min(left, TimeUnit.MILLISECONDS.toNanos(AWAY_MILLIS))
                                    : left);
                }
                woken = false;
                return holding;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return holding;
            } finally {
                lock.unlock();
            }
        }

        /** Under the lock: this camera no longer holds its slot, which goes to the line. */
        private void giveUpSlot() {
            holding = false;
            awaySince = 0;
            holders.remove(this);
            handOver();
        }

        /** Under the lock: this camera now holds a slot and its run starts. */
        private void grant() {
            since = System.nanoTime();
            awaySince = 0;
            holding = true;
            holders.add(this);
            turn.signal();
        }

        /**
         * The camera hands a batch to Flink and keeps its slot for the next one: should Flink's
         * element queue be full for long, a waiting camera takes the slot (see {@link
         * #AWAY_MILLIS}).
         */
        void stepAway() {
            lock.lock();
            try {
                if (holding) {
                    awaySince = System.nanoTime();
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * The camera is back from Flink; true if a waiting camera took its slot meanwhile (it waits
         * in line again for its next batch).
         */
        boolean stepBack() {
            lock.lock();
            try {
                boolean taken = takenWhileAway;
                awaySince = 0;
                takenWhileAway = false;
                return taken;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Ends a wait in {@link #acquire} early, or the next one at once if none is under way (as
         * Flink expects of a split reader's wake-up); the camera keeps its place in the line.
         */
        void wakeUp() {
            lock.lock();
            try {
                woken = true;
                turn.signal();
            } finally {
                lock.unlock();
            }
        }

        boolean isHolding() {
            return holding;
        }

        /** Whether this camera waits in line for a slot. */
        boolean isWaiting() {
            lock.lock();
            try {
                return inLine;
            } finally {
                lock.unlock();
            }
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
            return count - free >= processors;
        }

        /**
         * Whether this camera has decoded for its whole run and should let another camera have the
         * slot.
         */
        boolean runIsOver() {
            return holding && System.nanoTime() - since > MAX_RUN_MILLIS * 1_000_000L;
        }

        /**
         * Gives the slot to the camera at the head of the line, or leaves the line: this camera
         * wants no slot until it asks again.
         */
        void release() {
            lock.lock();
            try {
                if (holding) {
                    giveUpSlot();
                } else if (inLine) {
                    boolean wasHead = line.peek() == this;
                    line.remove(this);
                    inLine = false;
                    if (wasHead) {
                        wakeHead();
                    }
                }
            } finally {
                lock.unlock();
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
