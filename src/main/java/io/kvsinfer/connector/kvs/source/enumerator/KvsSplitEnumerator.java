package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hands out one split per camera. Cameras are heavy, so each new split goes to the reader that
 * owns the fewest cameras (by count, regardless of which readers registered first). A split that
 * comes back from a failed reader returns to the same subtask when it re-registers, because that
 * subtask may already have been told that no more splits will come.
 */
@Internal
public final class KvsSplitEnumerator implements SplitEnumerator<KvsStreamSplit, KvsEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(KvsSplitEnumerator.class);

    private final SplitEnumeratorContext<KvsStreamSplit> context;
    /** Camera id to owning subtask, for every split handed out or planned. */
    private final Map<String, Integer> owners = new LinkedHashMap<>();
    /** Splits waiting for their owner to register, by owner. */
    private final Map<Integer, List<KvsStreamSplit>> pendingByOwner = new LinkedHashMap<>();
    /** Splits not yet given an owner (no parallelism known yet). */
    private final List<KvsStreamSplit> unplanned = new ArrayList<>();
    private final Set<Integer> toldNoMoreSplits = new HashSet<>();

    public KvsSplitEnumerator(
            SplitEnumeratorContext<KvsStreamSplit> context,
            Collection<KvsStreamSplit> initialSplits,
            @Nullable KvsEnumeratorState restored) {
        this.context = context;
        if (restored != null) {
            owners.putAll(restored.assignedOwners());
            unplanned.addAll(restored.unassigned());
        } else {
            unplanned.addAll(initialSplits);
        }
    }

    @Override
    public void start() {
        planUnassigned();
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed on registration; nothing to do on request.
    }

    @Override
    public void addSplitsBack(List<KvsStreamSplit> splits, int subtaskId) {
        LOG.info("{} camera(s) returned by subtask {}; they go back to it when it re-registers", splits.size(), subtaskId);
        for (KvsStreamSplit split : splits) {
            owners.put(split.splitId(), subtaskId);
            pendingByOwner.computeIfAbsent(subtaskId, k -> new ArrayList<>()).add(split);
        }
        toldNoMoreSplits.remove(subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {
        toldNoMoreSplits.remove(subtaskId);
        planUnassigned();
        assignPending(subtaskId);
    }

    private void planUnassigned() {
        int parallelism = context.currentParallelism();
        if (parallelism <= 0 || unplanned.isEmpty()) {
            return;
        }
        for (KvsStreamSplit split : unplanned) {
            int owner = leastLoadedSubtask(parallelism);
            owners.put(split.splitId(), owner);
            pendingByOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
        }
        unplanned.clear();
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
            }
        }
        // The camera list is fixed, so once a reader has everything planned for it, nothing more comes.
        if (unplanned.isEmpty() && toldNoMoreSplits.add(subtaskId)) {
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

    @Override
    public KvsEnumeratorState snapshotState(long checkpointId) {
        List<KvsStreamSplit> unassigned = new ArrayList<>(unplanned);
        Map<String, Integer> assigned = new LinkedHashMap<>(owners);
        for (List<KvsStreamSplit> pending : pendingByOwner.values()) {
            unassigned.addAll(pending);
            for (KvsStreamSplit split : pending) {
                assigned.remove(split.splitId());
            }
        }
        return new KvsEnumeratorState(assigned, unassigned);
    }

    @Override
    public void close() {}
}
