package io.kvsinfer.connector.kvs.localkvs.store;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** All streams of one LocalKvs, by name. Thread-safe. */
@Internal
public final class StreamRegistry {

    private final ConcurrentMap<String, StreamState> streams = new ConcurrentHashMap<>();
    private final AtomicLong ordinals = new AtomicLong();
    private final StoreSettings settings;

    public StreamRegistry(StoreSettings settings) {
        this.settings = settings;
    }

    public StoreSettings settings() {
        return settings;
    }

    /** Creates the stream, or returns null if one with that name exists. */
    public StreamState create(StreamSpec spec) {
        StreamState state = new StreamState(spec, ordinals.incrementAndGet(), settings);
        return streams.putIfAbsent(spec.name(), state) == null ? state : null;
    }

    /** Removes the stream and stops its producer; returns null if there was none. */
    public StreamState delete(String name) {
        StreamState removed = streams.remove(name);
        if (removed != null) {
            removed.markDeleted();
        }
        return removed;
    }

    public StreamState byName(String name) {
        return name == null ? null : streams.get(name);
    }

    public StreamState byArn(String arn) {
        if (arn == null) {
            return null;
        }
        for (StreamState state : streams.values()) {
            if (state.arn().equals(arn)) {
                return state;
            }
        }
        return null;
    }

    /** All streams sorted by name, which makes ListStreams paging stable. */
    public List<StreamState> all() {
        List<StreamState> all = new ArrayList<>(streams.values());
        all.sort(Comparator.comparing(StreamState::name));
        return all;
    }

    /** Materializes due live fragments and applies retention on every stream with a producer. */
    public void catchUpAll() {
        for (StreamState state : streams.values()) {
            if (state.hasLiveProducer()) {
                state.catchUp();
            }
        }
    }
}
