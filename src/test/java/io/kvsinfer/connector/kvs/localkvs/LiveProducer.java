package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.store.LiveProducerState;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.time.Duration;

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

    /**
     * The camera's clock from the next fragment on: producer timestamps become the service's time
     * plus {@code offset} (negative: the camera runs behind). Server timestamps keep following the
     * service's clock. Setting it mid-stream is a jump of the camera's clock, for example {@code -1
     * h} after a wrong NTP answer or a time-zone change.
     */
    public void clockOffset(Duration offset) {
        Preconditions.checkNotNull(offset, "offset must not be null.");
        stream.clockOffset(state, offset.toMillis());
    }

    /** Moves the camera's clock by {@code jump} from the next fragment on (negative: back). */
    public void jumpClock(Duration jump) {
        Preconditions.checkNotNull(jump, "jump must not be null.");
        stream.clockOffset(state, stream.clockOffset(state) + jump.toMillis());
    }

    /**
     * The next {@code count} fragments carry the producer timestamp of the fragment before them, as
     * a camera whose clock stalls does. AWS keeps only the oldest ingested of equal timestamps.
     */
    public void repeatTimestamps(int count) {
        Preconditions.checkArgument(count >= 1, "count must be >= 1 but was %s.", count);
        stream.repeatTimestamps(state, count);
    }

    /** Stops for good; the stream keeps its fragments. */
    public void stop() {
        stream.stop(state);
    }
}
