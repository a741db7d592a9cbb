package io.kvsinfer.connector.kvs.localkvs.store;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.apache.flink.annotation.Internal;

/**
 * A camera appending fragments back to back in real time. Fragments are materialized lazily: {@link
 * #catchUp} appends every fragment whose end time has passed, so the cost per fragment is one small
 * record whether the stream is read often, rarely or never. Guarded by the stream lock.
 */
@Internal
public final class LiveProducerState {

    private FragmentedMedia media;
    private long loopIndex;
    private long nextStartMillis;
    private boolean paused;
    private boolean stopped;

    /** Producer clock minus the service's clock: a camera's skew, or a jump of its clock. */
    private long clockOffsetMillis;

    /** Fragments still to come that repeat the producer timestamp of the fragment before them. */
    private int repeatsLeft;

    private long lastProducerMillis = Long.MIN_VALUE;

    LiveProducerState(FragmentedMedia media, long startMillis) {
        this.media = media;
        this.nextStartMillis = startMillis;
    }

    /** Appends every complete fragment up to {@code nowMillis}. */
    void catchUp(StreamState stream, long nowMillis, long retentionMillis) {
        if (paused || stopped) {
            return;
        }
        // After a long clock jump, skip what retention would evict at once instead of appending it.
        while (nowMillis - nextStartMillis > retentionMillis) {
            nextStartMillis += media.durationMillis(currentIndex());
            loopIndex++;
        }
        while (true) {
            int index = currentIndex();
            long duration = media.durationMillis(index);
            if (nextStartMillis + duration > nowMillis) {
                return;
            }
            long producerMillis =
                    repeatsLeft > 0 && lastProducerMillis != Long.MIN_VALUE
                            ? lastProducerMillis
                            : nextStartMillis + clockOffsetMillis;
            if (repeatsLeft > 0) {
                repeatsLeft--;
            }
            stream.append(media, index, producerMillis, nextStartMillis);
            lastProducerMillis = producerMillis;
            nextStartMillis += duration;
            loopIndex++;
        }
    }

    private int currentIndex() {
        return (int) (loopIndex % media.fragmentCount());
    }

    void pause() {
        paused = true;
    }

    /**
     * Resumes at {@code nowMillis}: the fragment in progress at pause time is lost, leaving a gap.
     */
    void resume(long nowMillis) {
        if (paused) {
            paused = false;
            nextStartMillis = Math.max(nextStartMillis, nowMillis);
        }
    }

    /** The next fragment comes from {@code newMedia}, starting at its first fragment. */
    void switchMedia(FragmentedMedia newMedia) {
        media = newMedia;
        loopIndex = 0;
    }

    /** From the next fragment on, producer timestamps are the service's time plus this. */
    void clockOffset(long offsetMillis) {
        clockOffsetMillis = offsetMillis;
    }

    long clockOffsetMillis() {
        return clockOffsetMillis;
    }

    /** The next {@code count} fragments carry the producer timestamp of the one before them. */
    void repeatTimestamps(int count) {
        repeatsLeft = count;
    }

    void stop() {
        stopped = true;
    }

    boolean isPaused() {
        return paused;
    }

    boolean isStopped() {
        return stopped;
    }
}
