package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.util.List;
import java.util.Map;

/** A handle on one LocalKvs stream, to feed it and to inspect what it holds. Thread-safe. */
@PublicEvolving
public final class LocalKvsStream {

    private final StreamState state;

    LocalKvsStream(StreamState state) {
        this.state = state;
    }

    public String name() {
        return state.name();
    }

    public String arn() {
        return state.arn();
    }

    public Map<String, String> tags() {
        return state.tags();
    }

    public int dataRetentionInHours() {
        return state.retentionHours();
    }

    public boolean isDeleted() {
        return state.isDeleted();
    }

    /**
     * Starts a live camera that loops over {@code media} from now on, in real time on the LocalKvs
     * clock. A stream has at most one running live producer.
     */
    public LiveProducer startLive(FragmentedMedia media) {
        Preconditions.checkNotNull(media, "media must not be null.");
        return new LiveProducer(state, state.startLive(media));
    }

    /**
     * Puts {@code count} contiguous fragments of {@code media}, in loop order starting at its
     * fragment 0, into the stream at once, the first starting at {@code startMillis}. For history.
     */
    public List<FragmentRecord> appendArchived(FragmentedMedia media, long startMillis, int count) {
        Preconditions.checkNotNull(media, "media must not be null.");
        Preconditions.checkArgument(count >= 1, "count must be >= 1 but was %s.", count);
        Preconditions.checkArgument(
                startMillis >= 0, "startMillis must be >= 0 but was %s.", startMillis);
        return state.appendArchived(media, startMillis, count);
    }

    /** A snapshot of the kept fragments in ingestion order, live ones materialized up to now. */
    public List<FragmentRecord> fragments() {
        return state.fragments();
    }
}
