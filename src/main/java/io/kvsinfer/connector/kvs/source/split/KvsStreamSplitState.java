package io.kvsinfer.connector.kvs.source.split;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/** The mutable position of a split, advanced by the record emitter as frames leave the source. */
@Internal
public final class KvsStreamSplitState {

    private final KvsStreamSplit split;
    @Nullable private FragmentPosition position;
    private boolean idle;

    public KvsStreamSplitState(KvsStreamSplit split) {
        this.split = split;
        this.position = split.position().orElse(null);
    }

    public KvsStreamSplit split() {
        return split;
    }

    public void advance(FragmentPosition newPosition) {
        this.position = newPosition;
    }

    @Nullable
    public FragmentPosition position() {
        return position;
    }

    /** Whether the camera's output is currently marked idle (not checkpointed). */
    public boolean isIdle() {
        return idle;
    }

    public void setIdle(boolean idle) {
        this.idle = idle;
    }

    public KvsStreamSplit toSplit() {
        return split.withPosition(position);
    }
}
