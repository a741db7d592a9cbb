package io.kvsinfer.connector.kvs.localkvs.hls;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The fragments one media playlist shows, and its position in the session.
 *
 * @param fragments the fragments, in playlist order
 * @param mediaSequence EXT-X-MEDIA-SEQUENCE of the first fragment; from 0 as AWS writes it, except
 *     LIVE
 * @param ended whether the playlist ends with EXT-X-ENDLIST
 */
@Internal
public record HlsWindow(List<FragmentRecord> fragments, long mediaSequence, boolean ended) {

    /** LIVE sessions die when the newest fragment is older than this. */
    static final long LIVE_SILENCE_MILLIS = 30_000L;

    static final String NO_FRAGMENTS =
            "No fragments found in the stream for the streaming request.";

    /** The window {@code session} shows at {@code nowMillis}. */
    public static HlsWindow of(HlsSession session, long nowMillis) {
        HlsSessionSpec spec = session.spec();
        StreamState stream = session.stream();
        switch (spec.mode()) {
            case LIVE:
                List<FragmentRecord> newest = stream.newest(spec.maxFragmentResults());
                checkLive(newest, nowMillis);
                List<FragmentRecord> window = new ArrayList<>(newest.size());
                for (FragmentRecord r : newest) {
                    if (session.covers(r) && !isRepeat(session, r)) {
                        window.add(r);
                    }
                }
                long first =
                        window.isEmpty() ? session.firstLiveSequence() : window.get(0).sequence();
                // AWS's recorded playlists (ON_DEMAND, LIVE_REPLAY) count from 0; for LIVE no
                // record
                // shows the first number, and FFmpeg 8's HLS reader (live_start_index=0) fails on a
                // live playlist numbered from 0, so LIVE keeps the stream position plus one.
                return new HlsWindow(window, first + 1, false);
            case LIVE_REPLAY:
                return replay(session, selectInRange(session), nowMillis);
            case ON_DEMAND:
            default:
                List<FragmentRecord> selected = selectInRange(session);
                int n = Math.min(selected.size(), spec.maxFragmentResults());
                return new HlsWindow(selected.subList(0, n), 0, true);
        }
    }

    /** LIVE: at least one fragment must have ended within the last 30 s. */
    static void checkLive(List<FragmentRecord> newestFirstToLast, long nowMillis) {
        if (newestFirstToLast.isEmpty()
                || newestFirstToLast.get(newestFirstToLast.size() - 1).serverEndMillis()
                        < nowMillis - LIVE_SILENCE_MILLIS) {
            throw KvsError.notFound(NO_FRAGMENTS);
        }
    }

    /**
     * Fragments whose selected timestamp lies in the session's range. With PRODUCER_TIMESTAMP, as
     * AWS documents: in ingestion order from the first ingested fragment in range (the camera's
     * clock may have jumped back, so that is not timestamp order), and of equal producer timestamps
     * only the oldest ingested. With SERVER_TIMESTAMP, in server timestamp order.
     */
    static List<FragmentRecord> selectInRange(HlsSession session) {
        List<FragmentRecord> selected = new ArrayList<>();
        for (FragmentRecord r : session.stream().fragments()) {
            if (session.covers(r) && !isRepeat(session, r)) {
                selected.add(r);
            }
        }
        if (!byProducer(session)) {
            selected.sort(
                    Comparator.comparingLong(session::timestampOf)
                            .thenComparingLong(FragmentRecord::sequence));
        }
        return selected;
    }

    private static boolean byProducer(HlsSession session) {
        return session.spec().selector() == HLSFragmentSelectorType.PRODUCER_TIMESTAMP;
    }

    /** AWS deduplicates by producer timestamp when it selects by producer timestamp. */
    private static boolean isRepeat(HlsSession session, FragmentRecord r) {
        return byProducer(session) && session.stream().repeatsAnOlderTimestamp(r);
    }

    /**
     * LIVE_REPLAY paces the replay: fragment i becomes visible once the session is as old as the
     * fragments before it are long, so it grows by one fragment per fragment duration.
     */
    private static HlsWindow replay(
            HlsSession session, List<FragmentRecord> selected, long nowMillis) {
        long elapsed = nowMillis - session.createdMillis();
        long played = 0;
        int visible = 0;
        while (visible < selected.size() && played <= elapsed) {
            played += selected.get(visible).durationMillis();
            visible++;
        }
        int max = session.spec().maxFragmentResults();
        int from = Math.max(0, visible - max);
        Long end = session.spec().endMillis();
        boolean ended =
                end != null
                        && visible == selected.size()
                        && nowMillis
                                >= end
                                        + (selected.isEmpty()
                                                ? 0
                                                : selected.get(selected.size() - 1)
                                                        .durationMillis());
        return new HlsWindow(new ArrayList<>(selected.subList(from, visible)), from, ended);
    }
}
