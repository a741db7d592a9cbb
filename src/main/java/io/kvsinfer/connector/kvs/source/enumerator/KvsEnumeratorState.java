package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the enumerator checkpoints: which cameras are assigned (and to which reader, a hint for
 * balancing after restore) and the splits not yet handed out. Positions of assigned cameras live
 * in the readers' state, not here.
 */
@Internal
public final class KvsEnumeratorState {

    private final Map<String, Integer> assignedOwners;
    private final List<KvsStreamSplit> unassigned;

    public KvsEnumeratorState(Map<String, Integer> assignedOwners, List<KvsStreamSplit> unassigned) {
        this.assignedOwners = Collections.unmodifiableMap(new LinkedHashMap<>(assignedOwners));
        this.unassigned = List.copyOf(unassigned);
    }

    /** Camera id to the subtask it was last assigned to. */
    public Map<String, Integer> assignedOwners() {
        return assignedOwners;
    }

    public List<KvsStreamSplit> unassigned() {
        return unassigned;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvsEnumeratorState
                && assignedOwners.equals(((KvsEnumeratorState) o).assignedOwners)
                && unassigned.equals(((KvsEnumeratorState) o).unassigned);
    }

    @Override
    public int hashCode() {
        return 31 * assignedOwners.hashCode() + unassigned.hashCode();
    }

    @Override
    public String toString() {
        return "KvsEnumeratorState{assigned=" + assignedOwners + ", unassigned=" + unassigned + "}";
    }
}
