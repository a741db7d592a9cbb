package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Which subtask reads which camera, and the splits still to hand out. Cameras are heavy, so each
 * new split goes to the reader that owns the fewest cameras (by count, regardless of which readers
 * registered first). A split that comes back from a failed reader returns to the same subtask when
 * it re-registers, because that subtask may already have been told that no more splits will come.
 * Runs on the coordinator thread.
 */
@Internal
final class CameraAssignments {
    private static final Logger LOG = LoggerFactory.getLogger(CameraAssignments.class);

    private final SplitEnumeratorContext<KvsStreamSplit> context;

    /** Whether the set of cameras is final, so that readers may hear that no more will come. */
    private final BooleanSupplier cameraSetFinal;

    /** Camera id to owning subtask, for every split handed out or planned. */
    private final Map<String, Integer> owners = new LinkedHashMap<>();

    /** Splits waiting for their owner to register, by owner. */
    private final Map<Integer, List<KvsStreamSplit>> pendingByOwner = new LinkedHashMap<>();

    /** Splits not yet given an owner. */
    private final List<KvsStreamSplit> unplanned = new ArrayList<>();

    /**
     * Restored cameras whose owner is the checkpoint's, not yet confirmed by a reader (rescaling
     * moves splits) or by an assignment since.
     */
    private final Set<String> ownerIsOnlyAHint = new HashSet<>();

    private final Set<Integer> toldNoMoreSplits = new HashSet<>();

    CameraAssignments(
            SplitEnumeratorContext<KvsStreamSplit> context, BooleanSupplier cameraSetFinal) {
        this.context = context;
        this.cameraSetFinal = cameraSetFinal;
    }

    /** The checkpoint's owners (hints until confirmed) and the splits it had not handed out. */
    void restore(Map<String, Integer> assignedOwners, List<KvsStreamSplit> unassigned) {
        owners.putAll(assignedOwners);
        ownerIsOnlyAHint.addAll(assignedOwners.keySet());
        unplanned.addAll(unassigned);
    }

    /** A camera to hand out to the least loaded reader. */
    void add(KvsStreamSplit split) {
        unplanned.add(split);
    }

    /** Whether the camera is assigned, planned or waiting to be. */
    boolean knows(String cameraId) {
        return owners.containsKey(cameraId) || isWaitingForAReader(cameraId);
    }

    @Nullable
    Integer owner(String cameraId) {
        return owners.get(cameraId);
    }

    /** Whether the camera's split is not yet with its reader. */
    boolean isWaitingForAReader(String cameraId) {
        return unplanned.stream().anyMatch(split -> split.splitId().equals(cameraId))
                || pendingByOwner.values().stream()
                        .flatMap(List::stream)
                        .anyMatch(split -> split.splitId().equals(cameraId));
    }

    /** Whether the camera's owner is known for sure and is another subtask. */
    boolean isConfirmedOnAnotherSubtask(String cameraId, int subtaskId) {
        Integer owner = owners.get(cameraId);
        return owner != null && owner != subtaskId && !ownerIsOnlyAHint.contains(cameraId);
    }

    /** A reader runs the camera: it is that subtask's from now on. */
    void confirm(String cameraId, int subtaskId) {
        owners.put(cameraId, subtaskId);
        ownerIsOnlyAHint.remove(cameraId);
    }

    /** Restored cameras no reader has confirmed; each is returned once and then forgotten. */
    List<String> takeUnconfirmed() {
        List<String> unconfirmed = new ArrayList<>(ownerIsOnlyAHint);
        ownerIsOnlyAHint.clear();
        return unconfirmed;
    }

    /**
     * Forgets the camera. Returns the subtask it was handed out to, or null if it never reached a
     * reader.
     */
    @Nullable
    Integer remove(String cameraId) {
        unplanned.removeIf(split -> split.splitId().equals(cameraId));
        ownerIsOnlyAHint.remove(cameraId);
        for (List<KvsStreamSplit> pending : pendingByOwner.values()) {
            if (pending.removeIf(split -> split.splitId().equals(cameraId))) {
                owners.remove(cameraId);
                return null;
            }
        }
        return owners.remove(cameraId);
    }

    /**
     * A split of a failed reader, kept for it until it registers again; of two splits of one camera
     * (it ended and came back), the later one.
     */
    void addBack(KvsStreamSplit split, int subtaskId) {
        confirm(split.splitId(), subtaskId);
        List<KvsStreamSplit> pending =
                pendingByOwner.computeIfAbsent(subtaskId, k -> new ArrayList<>());
        pending.removeIf(earlier -> earlier.splitId().equals(split.splitId()));
        pending.add(split);
        toldNoMoreSplits.remove(subtaskId);
    }

    void readerRegistered(int subtaskId) {
        toldNoMoreSplits.remove(subtaskId);
        plan();
        assignPending(subtaskId);
    }

    /** Gives every unplanned split an owner and hands out what registered readers can take. */
    void plan() {
        int parallelism = context.currentParallelism();
        if (parallelism > 0 && !unplanned.isEmpty()) {
            for (KvsStreamSplit split : unplanned) {
                int owner = leastLoadedSubtask(parallelism);
                owners.put(split.splitId(), owner);
                pendingByOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
            }
            unplanned.clear();
        }
        for (int subtask : context.registeredReaders().keySet()) {
            assignPending(subtask);
        }
    }

    private int leastLoadedSubtask(int parallelism) {
        int[] load = new int[parallelism];
        for (int owner : owners.values()) {
            if (owner >= 0 && owner < parallelism) {
                load[owner]++;
            }
        }
        int best = 0;
        for (int i = 1; i < parallelism; i++) {
            if (load[i] < load[best]) {
                best = i;
            }
        }
        return best;
    }

    private void assignPending(int subtaskId) {
        if (!context.registeredReaders().containsKey(subtaskId)) {
            return;
        }
        List<KvsStreamSplit> pending = pendingByOwner.remove(subtaskId);
        if (pending != null && !pending.isEmpty()) {
            LOG.info("Assigning cameras {} to subtask {}", ids(pending), subtaskId);
            for (KvsStreamSplit split : pending) {
                context.assignSplit(split, subtaskId);
                ownerIsOnlyAHint.remove(split.splitId());
            }
        }
        if (unplanned.isEmpty()
                && cameraSetFinal.getAsBoolean()
                && toldNoMoreSplits.add(subtaskId)) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    private static List<String> ids(List<KvsStreamSplit> splits) {
        List<String> ids = new ArrayList<>(splits.size());
        for (KvsStreamSplit split : splits) {
            ids.add(split.splitId());
        }
        return ids;
    }

    /** Cameras with a reader, to their subtask (a hint for balancing after a restore). */
    Map<String, Integer> assignedOwners() {
        Map<String, Integer> assigned = new LinkedHashMap<>(owners);
        pendingByOwner
                .values()
                .forEach(pending -> pending.forEach(s -> assigned.remove(s.splitId())));
        return assigned;
    }

    /** Splits no reader has yet. */
    List<KvsStreamSplit> unassigned() {
        List<KvsStreamSplit> unassigned = new ArrayList<>(unplanned);
        pendingByOwner.values().forEach(unassigned::addAll);
        return unassigned;
    }
}
