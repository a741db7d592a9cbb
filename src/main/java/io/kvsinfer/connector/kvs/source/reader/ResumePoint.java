package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.FragmentPosition;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * Where a camera restored from a checkpoint resumes: the fragment it was reading, how many of that
 * fragment's frames it had consumed, and the event time of the last frame it emitted. A new camera
 * has none. The fragment's frames to skip are handed out once, when that fragment is read again.
 */
@Internal
final class ResumePoint {

    @Nullable private String fragmentNumber;
    private final long fragmentStartMillis;
    private final int framesConsumed;
    private final long lastEmittedMillis;

    private ResumePoint(@Nullable FragmentPosition position) {
        this.fragmentNumber = position == null ? null : position.fragmentNumber();
        this.fragmentStartMillis = position == null ? -1 : position.fragmentTimestampMillis();
        this.framesConsumed = position == null ? 0 : position.framesConsumed();
        this.lastEmittedMillis = position == null ? -1 : position.lastEmittedTimestampMillis();
    }

    static ResumePoint of(@Nullable FragmentPosition position) {
        return new ResumePoint(position);
    }

    /** Whether the camera was restored from a checkpoint (whether or not it passed that point). */
    boolean isRestored() {
        return fragmentStartMillis >= 0;
    }

    /** Start time of the fragment the camera resumes in; only when restored. */
    long fragmentStartMillis() {
        return fragmentStartMillis;
    }

    /** Event time of the last frame emitted before the checkpoint, or -1. */
    long lastEmittedMillis() {
        return lastEmittedMillis;
    }

    /**
     * Up to which event time the frames of {@code fragment} were already emitted: the last emitted
     * frame's for the resumed fragment the first time, else {@code Long.MIN_VALUE}. A fragment's
     * frames come out in presentation order, so its first {@code framesConsumed} frames are exactly
     * those at or before it. Told by time rather than by count because a fragment decoded after a
     * restore may yield fewer leading frames than it did in the stream it came from.
     */
    long emittedThroughMillisIn(String fragment) {
        if (fragment.equals(fragmentNumber)) {
            fragmentNumber = null;
            return framesConsumed > 0 ? lastEmittedMillis : Long.MIN_VALUE;
        }
        return Long.MIN_VALUE;
    }

    /** {@code fragment} was skipped unread: if it is the resumed one, nothing is left to resume. */
    void passed(String fragment) {
        if (fragment.equals(fragmentNumber)) {
            fragmentNumber = null;
        }
    }

    /** Whether the resumed fragment is still to be read. */
    boolean resumedFragmentPending() {
        return fragmentNumber != null;
    }
}
