package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsSegment;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The fragments a camera has listed and not yet read, with the session that listed them (their URLs
 * carry its token) and how far the archive is known to be covered once they are all read. Each
 * fragment is queued once, told apart by its number.
 */
@Internal
final class FragmentQueue {

    private final ArrayDeque<HlsSegment> segments = new ArrayDeque<>();
    private final Set<String> numbers = new HashSet<>();
    @Nullable private HlsSessionHandle listingSession;
    private long coveredUntilWhenDrained = Long.MIN_VALUE;

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int size() {
        return segments.size();
    }

    /** The next fragment to read, or null. */
    @Nullable
    HlsSegment peek() {
        return segments.peekFirst();
    }

    /** Removes the next fragment. */
    HlsSegment take() {
        HlsSegment next = segments.removeFirst();
        numbers.remove(next.fragmentNumber());
        return next;
    }

    /** Queues a fragment unless it is queued already; true if it was added. */
    boolean add(HlsSegment segment) {
        if (!numbers.add(segment.fragmentNumber())) {
            return false;
        }
        segments.addLast(segment);
        return true;
    }

    /** The session that listed the queued fragments. */
    void listedBy(HlsSessionHandle session) {
        listingSession = session;
    }

    @Nullable
    HlsSessionHandle listingSession() {
        return listingSession;
    }

    /**
     * Once the queued fragments are read, the archive is known to hold nothing more up to {@code
     * millis}.
     */
    void coversUntilWhenDrained(long millis) {
        coveredUntilWhenDrained = millis;
    }

    /** What {@link #coversUntilWhenDrained} recorded, once, or {@code Long.MIN_VALUE}. */
    long takeCoveredUntil() {
        long covered = coveredUntilWhenDrained;
        coveredUntilWhenDrained = Long.MIN_VALUE;
        return covered;
    }

    /** Forgets the fragments, their session and their coverage. */
    void clear() {
        segments.clear();
        numbers.clear();
        listingSession = null;
        coveredUntilWhenDrained = Long.MIN_VALUE;
    }
}
