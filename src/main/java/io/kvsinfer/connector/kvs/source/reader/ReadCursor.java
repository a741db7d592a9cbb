package io.kvsinfer.connector.kvs.source.reader;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Which fragments a camera's fetcher has already taken, so that overlapping playlists (a renewed
 * session, a live window after a catch-up) never yield a fragment twice. Fragments are told apart
 * by their number. KVS numbers fragments in ingestion order, so a fragment numbered after the last
 * one taken is new even when its producer timestamp is earlier (a camera clock that jumped back, a
 * repeated timestamp); start time orders fragments only when numbers cannot (a restored cursor).
 */
@Internal
final class ReadCursor {
    private static final int REMEMBERED = 256;

    @Nullable private String lastNumber;

    /** Highest fragment number taken, when numbers are decimal (as KVS's are). */
    @Nullable private BigInteger highestNumber;

    private long lastStartMillis = Long.MIN_VALUE;
    private long lastEndMillis = Long.MIN_VALUE;

    /** Start of the fragment ingested last among those taken (the highest number). */
    private long resumeStartMillis = Long.MIN_VALUE;

    /** When (host clock) a fragment was last taken. */
    private long lastTakenAtMillis = Long.MIN_VALUE;

    /** Time up to which the archive is known to hold nothing more (after an empty catch-up). */
    private long verifiedUntilMillis = Long.MIN_VALUE;

    private final ArrayDeque<String> recentOrder = new ArrayDeque<>();
    private final Set<String> recent = new HashSet<>();

    /** A cursor positioned on a fragment restored from a checkpoint (it will be read again). */
    static ReadCursor restoredAt(long fragmentStartMillis) {
        ReadCursor cursor = new ReadCursor();
        cursor.lastStartMillis = fragmentStartMillis - 1;
        cursor.lastEndMillis = fragmentStartMillis - 1;
        cursor.resumeStartMillis = fragmentStartMillis - 1;
        return cursor;
    }

    boolean isEmpty() {
        return lastStartMillis == Long.MIN_VALUE;
    }

    /**
     * Whether a fragment listed in a playlist is new: not taken, and either ingested after the last
     * one taken (a higher number, whatever its timestamp) or not older than the last one.
     */
    boolean isNew(String fragmentNumber, long startMillis) {
        if (recent.contains(fragmentNumber)) {
            return false;
        }
        BigInteger number = parse(fragmentNumber);
        if (number != null && highestNumber != null && number.compareTo(highestNumber) > 0) {
            return true;
        }
        return isEmpty() || startMillis >= lastStartMillis;
    }

    @Nullable
    private static BigInteger parse(String fragmentNumber) {
        // KVS fragment numbers are decimal strings of about 47 digits; anything else is compared by
        // time.
        if (fragmentNumber.isEmpty() || fragmentNumber.length() > 64) {
            return null;
        }
        for (int i = 0; i < fragmentNumber.length(); i++) {
            char c = fragmentNumber.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return new BigInteger(fragmentNumber);
    }

    void taken(String fragmentNumber, long startMillis, long durationMillis) {
        taken(fragmentNumber, startMillis, durationMillis, Long.MIN_VALUE);
    }

    /** Records a fragment as taken at {@code nowMillis} (host clock). */
    void taken(String fragmentNumber, long startMillis, long durationMillis, long nowMillis) {
        lastNumber = fragmentNumber;
        lastTakenAtMillis = Math.max(lastTakenAtMillis, nowMillis);
        BigInteger number = parse(fragmentNumber);
        if (number == null || highestNumber == null || number.compareTo(highestNumber) > 0) {
            resumeStartMillis = startMillis;
        }
        if (number != null && (highestNumber == null || number.compareTo(highestNumber) > 0)) {
            highestNumber = number;
        }
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

    /**
     * The latest start of any fragment taken (a camera's clock may have stamped later ones
     * earlier).
     */
    long lastStartMillis() {
        return lastStartMillis;
    }

    /**
     * Where reading on after a failure starts: the start of the fragment ingested last among those
     * taken. After a camera's clock jumped back it is earlier than {@link #lastStartMillis()}, and
     * a range from there still holds the fragments the camera stamped after the jump.
     */
    long resumeStartMillis() {
        return resumeStartMillis;
    }

    /** When (host clock) the last fragment was taken; {@link Long#MIN_VALUE} if none was. */
    long lastTakenAtMillis() {
        return lastTakenAtMillis;
    }

    /** End of what is known to be read or known to be empty. */
    long coveredUntilMillis() {
        return Math.max(lastEndMillis, verifiedUntilMillis);
    }
}
