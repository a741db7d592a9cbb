package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.javacpp.BytePointer;

import javax.annotation.Nullable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The pixel buffers a {@link PictureConverter} writes into. Normally one buffer, rewritten for
 * every frame; a frame that is {@linkplain DecodedFrame#hold() held} (its pixels still to be read
 * on another thread) keeps its buffer, and the converter writes the next frames into another one,
 * up to {@link #MAX_BUFFERS}. At most {@link #MAX_HELD} are held, so the converter always has a
 * buffer to write into and never waits for a holder. The buffers are direct {@link ByteBuffer}s
 * owned by the Java heap, so a holder outliving the decoder reads valid memory. A frame whose
 * pixels need no conversion may instead borrow the decoder's picture; it is copied into one of
 * these buffers only if it is held.
 *
 * <p>While the decoder's camera waits for its turn to decode, it is {@linkplain #park() parked}:
 * its buffers that no frame holds, and each held one once released, go to the process's {@link
 * IdlePixelMemory} for the cameras that decode meanwhile, and its next picture takes memory from
 * there again.
 *
 * <p>Held state is guarded by this object's monitor: the decoder's thread takes buffers, a holder's
 * thread releases them.
 */
@Internal
final class OutputBuffers {

    /**
     * Buffers per decoder at most: one being written, the rest held by frames waiting to be read.
     */
    static final int MAX_BUFFERS = 3;

    /** Frames that may hold a buffer at once. */
    static final int MAX_HELD = MAX_BUFFERS - 1;

    /** Row alignment of the output; swscale's SIMD paths want 16 bytes or more. */
    private static final int ROW_ALIGNMENT = 64;

    private final List<Buffer> buffers = new ArrayList<>(MAX_BUFFERS);
    private final IdlePixelMemory idleMemory;
    private int rowBytes;
    private int height;
    private boolean parked;

    OutputBuffers() {
        this(IdlePixelMemory.SHARED);
    }

    OutputBuffers(IdlePixelMemory idleMemory) {
        this.idleMemory = idleMemory;
    }

    /** A buffer for {@code height} rows of {@code rowBytes} pixel bytes that no frame holds. */
    synchronized Buffer takeFree(int rowBytes, int height) {
        parked = false;
        if (rowBytes != this.rowBytes || height != this.height) {
            // Held buffers of the old size stay with their holders; new frames get new buffers.
            leaveFreeBuffers();
            buffers.clear();
            this.rowBytes = rowBytes;
            this.height = height;
        }
        Buffer free = firstFree();
        if (free != null) {
            return free;
        }
        Buffer buffer = new Buffer(this, rowBytes, height, idleMemory);
        buffers.add(buffer);
        return buffer;
    }

    /**
     * The camera waits for its turn to decode: buffers no frame holds go to the idle memory now,
     * held ones when released, until the next {@link #takeFree}.
     */
    synchronized void park() {
        parked = true;
        leaveFreeBuffers();
    }

    private void leaveFreeBuffers() {
        for (var it = buffers.iterator(); it.hasNext(); ) {
            Buffer buffer = it.next();
            if (!buffer.held) {
                it.remove();
                idleMemory.leave(buffer.pixels);
            }
        }
    }

    /** Buffers this decoder keeps, held or not; tests use it to see memory left when parked. */
    synchronized int kept() {
        return buffers.size();
    }

    @Nullable
    private Buffer firstFree() {
        for (Buffer buffer : buffers) {
            if (!buffer.held) {
                return buffer;
            }
        }
        return null;
    }

    /**
     * A view of {@code height} rows of {@code rowBytes} bytes, {@code stride} apart, in memory the
     * decoder owns and rewrites with its next picture. Holding it copies the rows into a buffer of
     * this pool first.
     */
    Buffer borrow(ByteBuffer rows, int stride, int rowBytes, int height) {
        return new Buffer(this, rows, stride, rowBytes, height);
    }

    /** Whether one more frame may hold its buffer. */
    synchronized boolean canHold() {
        return held() < MAX_HELD;
    }

    /** Buffers currently held by frames; tests use it to see frames released. */
    synchronized int held() {
        int held = 0;
        for (Buffer buffer : buffers) {
            held += buffer.held ? 1 : 0;
        }
        return held;
    }

    private synchronized void release(Buffer buffer) {
        buffer.held = false;
        if (parked && buffers.remove(buffer)) {
            idleMemory.leave(buffer.pixels);
        }
    }

    private synchronized void hold(Buffer buffer) {
        if (!buffer.held) {
            checkCanHold();
        }
        buffer.held = true;
    }

    private synchronized void checkCanHold() {
        if (!canHold()) {
            throw new IllegalStateException(
                    "already " + MAX_HELD + " frames of this decoder are held and not released");
        }
    }

    /**
     * One output buffer: rows of pixels, {@link #stride} bytes apart. Either one of the pool's own,
     * or {@linkplain #borrow borrowed} from the decoder's picture.
     */
    static final class Buffer {
        private final OutputBuffers owner;
        final ByteBuffer readOnlyPixels;

        /** The same memory, writable: for the converter only; null when borrowed. */
        @Nullable final ByteBuffer pixels;

        @Nullable final BytePointer pointer;
        final int stride;
        private final int rowBytes;
        private final int height;
        private final boolean borrowed;
        private boolean held;

        private Buffer(OutputBuffers owner, int rowBytes, int height, IdlePixelMemory idle) {
            this.owner = owner;
            this.stride = (rowBytes + ROW_ALIGNMENT - 1) / ROW_ALIGNMENT * ROW_ALIGNMENT;
            this.rowBytes = rowBytes;
            this.height = height;
            this.borrowed = false;
            int size = stride * height;
            ByteBuffer left = idle.take(size);
            this.pixels = left != null ? left : allocate(size);
            this.readOnlyPixels = pixels.asReadOnlyBuffer();
            this.pointer = new BytePointer(pixels);
        }

        /** {@code size} bytes of direct memory, aligned for swscale. */
        private static ByteBuffer allocate(int size) {
            ByteBuffer aligned =
                    ByteBuffer.allocateDirect(size + ROW_ALIGNMENT).alignedSlice(ROW_ALIGNMENT);
            aligned.limit(size);
            return aligned.slice();
        }

        private Buffer(OutputBuffers owner, ByteBuffer rows, int stride, int rowBytes, int height) {
            this.owner = owner;
            this.stride = stride;
            this.rowBytes = rowBytes;
            this.height = height;
            this.borrowed = true;
            this.pixels = null;
            this.readOnlyPixels = rows.asReadOnlyBuffer();
            this.pointer = null;
        }

        /**
         * This buffer if it is the pool's own; for a borrowed one, a buffer of the pool with the
         * same rows copied in, as the decoder's next picture overwrites the borrowed memory.
         *
         * @throws IllegalStateException if no more frames may be held
         */
        Buffer keepable() {
            if (borrowed) {
                owner.checkCanHold();
            }
            return owned();
        }

        /**
         * This buffer if it is the pool's own; for a borrowed one, a free buffer of the pool with
         * its rows.
         */
        Buffer owned() {
            if (!borrowed) {
                return this;
            }
            Buffer own = owner.takeFree(rowBytes, height);
            if (own.stride == stride) {
                // Same row layout (a 64-byte-aligned width): the rows in one copy.
                own.pixels.put(0, readOnlyPixels, 0, stride * (height - 1) + rowBytes);
                return own;
            }
            for (int y = 0; y < height; y++) {
                own.pixels.put(y * own.stride, readOnlyPixels, y * stride, rowBytes);
            }
            return own;
        }

        /** Copies the rows into {@code out} without their padding. */
        void packInto(byte[] out) {
            PackedRows.pack(readOnlyPixels, rowBytes, height, stride, out);
        }

        /** Marks this buffer held; {@link #keepable()} first, as a borrowed one cannot be. */
        void hold() {
            if (borrowed) {
                throw new IllegalStateException("a borrowed buffer is not held; keep a copy");
            }
            owner.hold(this);
        }

        void release() {
            owner.release(this);
        }
    }
}
