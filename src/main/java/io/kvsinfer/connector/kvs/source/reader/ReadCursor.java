package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Which fragments a camera's fetcher has already taken, so that overlapping playlists (a renewed
 * session, a live window after a catch-up) never yield a fragment twice. Fragments are told apart
 * by their number; their start time orders them.
 */
@Internal
final class ReadCursor {
    private static final int REMEMBERED = 256;

    @Nullable private String lastNumber;
    private long lastStartMillis = Long.MIN_VALUE;
    private long lastEndMillis = Long.MIN_VALUE;

    /** Time up to which the archive is known to hold nothing more (after an empty catch-up). */
    private long verifiedUntilMillis = Long.MIN_VALUE;

    private final ArrayDeque<String> recentOrder = new ArrayDeque<>();
    private final Set<String> recent = new HashSet<>();

    /** A cursor positioned on a fragment restored from a checkpoint (it will be read again). */
    static ReadCursor restoredAt(long fragmentStartMillis) {
        ReadCursor cursor = new ReadCursor();
        cursor.lastStartMillis = fragmentStartMillis - 1;
        cursor.lastEndMillis = fragmentStartMillis - 1;
        return cursor;
    }

    boolean isEmpty() {
        return lastStartMillis == Long.MIN_VALUE;
    }

    /**
     * Whether a fragment listed in a playlist is new: not taken and not older than the last one.
     */
    boolean isNew(String fragmentNumber, long startMillis) {
        return !recent.contains(fragmentNumber) && (isEmpty() || startMillis >= lastStartMillis);
    }

    void taken(String fragmentNumber, long startMillis, long durationMillis) {
        lastNumber = fragmentNumber;
        lastStartMillis = Math.max(lastStartMillis, startMillis);
        lastEndMillis = Math.max(lastEndMillis, startMillis + durationMillis);
        if (recent.add(fragmentNumber)) {
            recentOrder.addLast(fragmentNumber);
            if (recentOrder.size() > REMEMBERED) {
                recent.remove(recentOrder.removeFirst());
            }
        }
    }

    /** Records that the archive holds nothing more up to {@code millis}. */
    void verifiedUntil(long millis) {
        verifiedUntilMillis = Math.max(verifiedUntilMillis, millis);
    }

    @Nullable
    String lastNumber() {
        return lastNumber;
    }

    long lastStartMillis() {
        return lastStartMillis;
    }

    /** End of what is known to be read or known to be empty. */
    long coveredUntilMillis() {
        return Math.max(lastEndMillis, verifiedUntilMillis);
    }
}
