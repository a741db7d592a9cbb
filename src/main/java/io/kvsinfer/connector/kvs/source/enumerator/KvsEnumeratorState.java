package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the enumerator checkpoints: which cameras are assigned (and to which reader, a hint for
 * balancing after restore), the splits not yet handed out, and what discovery has found so far.
 * Positions of assigned cameras live in the readers' state, not here. Public because it is a type
 * argument of {@link io.kvsinfer.connector.kvs.source.KvsHlsSource}; its contents are not API.
 */
@PublicEvolving
public final class KvsEnumeratorState {

    private final Map<String, Integer> assignedOwners;
    private final List<KvsStreamSplit> unassigned;
    private final Map<String, String> discoveredCameras;
    private final long lastDiscoveryMillis;

    public KvsEnumeratorState(
            Map<String, Integer> assignedOwners, List<KvsStreamSplit> unassigned) {
        this(assignedOwners, unassigned, Map.of(), -1);
    }

    public KvsEnumeratorState(
            Map<String, Integer> assignedOwners,
            List<KvsStreamSplit> unassigned,
            Map<String, String> discoveredCameras,
            long lastDiscoveryMillis) {
        this.assignedOwners = Collections.unmodifiableMap(new LinkedHashMap<>(assignedOwners));
        this.unassigned = List.copyOf(unassigned);
        this.discoveredCameras =
                Collections.unmodifiableMap(new LinkedHashMap<>(discoveredCameras));
        this.lastDiscoveryMillis = lastDiscoveryMillis;
    }

    /** Camera id to the subtask it was last assigned to. */
    public Map<String, Integer> assignedOwners() {
        return assignedOwners;
    }

    public List<KvsStreamSplit> unassigned() {
        return unassigned;
    }

    /** Cameras found by discovery and not finished, camera id to stream name. */
    public Map<String, String> discoveredCameras() {
        return discoveredCameras;
    }

    /** When the last successful discovery started, epoch ms; -1 before the first. */
    public long lastDiscoveryMillis() {
        return lastDiscoveryMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KvsEnumeratorState)) {
            return false;
        }
        KvsEnumeratorState that = (KvsEnumeratorState) o;
        return assignedOwners.equals(that.assignedOwners)
                && unassigned.equals(that.unassigned)
                && discoveredCameras.equals(that.discoveredCameras)
                && lastDiscoveryMillis == that.lastDiscoveryMillis;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                assignedOwners, unassigned, discoveredCameras, lastDiscoveryMillis);
    }

    @Override
    public String toString() {
        return "KvsEnumeratorState{assigned="
                + assignedOwners
                + ", unassigned="
                + unassigned
                + ", discovered="
                + discoveredCameras
                + ", lastDiscovery="
                + lastDiscoveryMillis
                + "}";
    }
}
