package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsSegment;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The fragments a restored camera decodes again, without emitting them, before the fragment it
 * resumes in, so that the frames there get their references (open-GOP leading frames, a stream cut
 * mid-GOP): of those listed in the {@link #LOOKBACK_MILLIS} before it, the ones from the newest
 * that starts with a key frame on. A closed or open GOP needs the one fragment before; a stream cut
 * mid-GOP, the fragments back to its last key frame.
 */
@Internal
final class RestorePrimers {

    /** Longer than the key-frame interval of any camera a user would keep. */
    static final long LOOKBACK_MILLIS = 30_000;

    /** A fragment to decode again, with its bytes. */
    record Primer(HlsSegment segment, byte[] bytes) {}

    private final ArrayDeque<HlsSegment> listed = new ArrayDeque<>();
    private final ArrayDeque<Primer> chosen = new ArrayDeque<>();

    /** A fragment listed before the resumed one, which starts at {@code resumedStartMillis}. */
    void listed(HlsSegment segment, long startMillis, long resumedStartMillis) {
        if (startMillis < resumedStartMillis
                && startMillis >= resumedStartMillis - LOOKBACK_MILLIS
                && listed.stream()
                        .noneMatch(s -> s.fragmentNumber().equals(segment.fragmentNumber()))) {
            listed.addLast(segment);
        }
    }

    /**
     * The next fragment to decode again before {@code resumed}, or null when there is none left, or
     * none ends where it starts (within {@code tolerance} milliseconds): nothing it could
     * reference. Fetches the candidates newest first until one starts with a key frame.
     */
    @Nullable
    Primer next(
            HlsSegment resumed,
            ToLongFunction<HlsSegment> startOf,
            long toleranceMillis,
            Function<HlsSegment, byte[]> fetch,
            BiPredicate<HlsSegment, byte[]> startsWithKeyFrame) {
        if (chosen.isEmpty() && !listed.isEmpty()) {
            HlsSegment newest = listed.peekLast();
            long gap = startOf.applyAsLong(resumed) - startOf.applyAsLong(newest);
            if (Math.abs(gap - newest.durationMillis()) <= toleranceMillis) {
                while (!listed.isEmpty()) {
                    HlsSegment segment = listed.removeLast();
                    byte[] bytes = fetch.apply(segment);
                    chosen.addFirst(new Primer(segment, bytes));
                    if (startsWithKeyFrame.test(segment, bytes)) {
                        break;
                    }
                }
            }
            listed.clear();
        }
        return chosen.pollFirst();
    }

    boolean isEmpty() {
        return listed.isEmpty() && chosen.isEmpty();
    }

    /** Forgets them all: their URLs carry a session that was dropped. */
    void clear() {
        listed.clear();
        chosen.clear();
    }
}
