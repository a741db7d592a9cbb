package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.store.LiveProducerState;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

/**
 * A live camera feeding one stream: fragment k covers [t0 + durations before it, + its duration)
 * and becomes visible when complete. Thread-safe.
 */
@PublicEvolving
public final class LiveProducer {

    private final StreamState stream;
    private final LiveProducerState state;

    LiveProducer(StreamState stream, LiveProducerState state) {
        this.stream = stream;
        this.state = state;
    }

    /** Stops producing; the fragment in progress is lost. */
    public void pause() {
        stream.pause(state);
    }

    /** Produces again from now on: timestamps jump to the clock, leaving a gap. */
    public void resume() {
        stream.resume(state);
    }

    /**
     * The next fragment comes from {@code media} (for example another resolution): a new init
     * segment, so playlists show a discontinuity there.
     */
    public void switchMedia(FragmentedMedia media) {
        Preconditions.checkNotNull(media, "media must not be null.");
        stream.switchMedia(state, media);
    }

    /** Stops for good; the stream keeps its fragments. */
    public void stop() {
        stream.stop(state);
    }
}
