package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Fragment sizes per media, measured once by producing each loop fragment, for ListFragments'
 * FragmentSizeInBytes and the master playlist's BANDWIDTH. Weak keys let unused media go.
 */
@Internal
public final class MediaStats {

    /**
     * The start time fragments are measured at. Not 0: a fragment whose first frames are B-frames
     * (a composition offset) cannot start at time 0, its decode times would be negative. Sizes do
     * not depend on the start ({@code tfdt} is always written as 64 bits).
     */
    static final long MEASURE_START_MILLIS = 86_400_000L;

    private final Map<FragmentedMedia, long[]> sizes =
            Collections.synchronizedMap(new WeakHashMap<>());

    public long size(FragmentedMedia media, int index) {
        return sizes(media)[index];
    }

    /** Peak bits per second over the loop, as HLS BANDWIDTH wants. */
    public long peakBitsPerSecond(FragmentedMedia media) {
        long[] s = sizes(media);
        long peak = 1;
        for (int i = 0; i < s.length; i++) {
            long millis = Math.max(1, media.durationMillis(i));
            peak = Math.max(peak, s[i] * 8_000L / millis);
        }
        return peak;
    }

    private long[] sizes(FragmentedMedia media) {
        long[] known = sizes.get(media);
        if (known != null) {
            return known;
        }
        long[] measured = new long[media.fragmentCount()];
        for (int i = 0; i < measured.length; i++) {
            measured[i] = media.mp4Fragment(i, MEASURE_START_MILLIS, 1L).length;
        }
        sizes.put(media, measured);
        return measured;
    }
}
