package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.hls.SessionTokenRedactor;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hands out one split per camera. Cameras are heavy, so each new split goes to the reader that owns
 * the fewest cameras (by count, regardless of which readers registered first). A split that comes
 * back from a failed reader returns to the same subtask when it re-registers, because that subtask
 * may already have been told that no more splits will come.
 *
 * <p>With discovery, the enumerator periodically lists the matching streams: new ones become splits
 * at once, and cameras whose stream was deleted or no longer matches are finished through their
 * reader. Readers report the cameras they restore and the cameras that end, so that a finish no
 * reader heard is repeated and a stream re-created under the same name is read again. Discovery
 * failures (throttling included) are logged, counted and retried at the next interval; they never
 * fail the job. A round cut short adds the cameras it found but finishes only cameras whose streams
 * it could decide, and does not move the start time of later cameras.
 */
@Internal
final class KvsSplitEnumerator implements SplitEnumerator<KvsStreamSplit, KvsEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(KvsSplitEnumerator.class);

    public static final String DISCOVERY_ERRORS = "discovery_errors_total";
    public static final String DISCOVERED_CAMERAS = "discovered_cameras";

    /**
     * A removed camera comes back only after this many discovery rounds, so its old split is gone.
     */
    private static final int ROUNDS_BEFORE_RETURN = 2;

    private final SplitEnumeratorContext<KvsStreamSplit> context;
    @Nullable private final StreamDiscovery discovery;
    @Nullable private final DiscoverySettings discoverySettings;
    private final Set<String> staticCameras = new HashSet<>();

    /** Camera id to owning subtask, for every split handed out or planned. */
    private final Map<String, Integer> owners = new LinkedHashMap<>();

    /** Splits waiting for their owner to register, by owner. */
    private final Map<Integer, List<KvsStreamSplit>> pendingByOwner = new LinkedHashMap<>();

    /** Splits not yet given an owner. */
    private final List<KvsStreamSplit> unplanned = new ArrayList<>();

    private final Set<Integer> toldNoMoreSplits = new HashSet<>();

    /** Discovered cameras that are being read: camera id to stream name. */
    private final Map<String, String> discovered = new LinkedHashMap<>();

    private final Map<String, Integer> removedInRound = new HashMap<>();

    /**
     * Restored cameras whose owner is the checkpoint's, not yet confirmed by a reader (rescaling
     * moves splits) or by an assignment since.
     */
    private final Set<String> ownerIsOnlyAHint = new HashSet<>();

    /** After a restore, the subtasks that have not yet reported the cameras they restored. */
    private final Set<Integer> readersToReportAfterRestore = new HashSet<>();

    private long lastDiscoveryMillis;
    private int discoveryRound;
    private boolean discoveryComplete;
    private Counter discoveryErrors;

    public KvsSplitEnumerator(
            SplitEnumeratorContext<KvsStreamSplit> context,
            Collection<KvsStreamSplit> staticSplits,
            @Nullable KvsEnumeratorState restored) {
        this(context, staticSplits, restored, null, null);
    }

    public KvsSplitEnumerator(
            SplitEnumeratorContext<KvsStreamSplit> context,
            Collection<KvsStreamSplit> staticSplits,
            @Nullable KvsEnumeratorState restored,
            @Nullable StreamDiscovery discovery,
            @Nullable DiscoverySettings discoverySettings) {
        this.context = context;
        this.discovery = discovery;
        this.discoverySettings = discoverySettings;
        staticSplits.forEach(split -> staticCameras.add(split.splitId()));
        if (restored != null) {
            owners.putAll(restored.assignedOwners());
            ownerIsOnlyAHint.addAll(owners.keySet());
            for (int subtask = 0; subtask < context.currentParallelism(); subtask++) {
                readersToReportAfterRestore.add(subtask);
            }
            unplanned.addAll(restored.unassigned());
            discovered.putAll(restored.discoveredCameras());
            addCamerasNewSinceTheCheckpoint(staticSplits);
            lastDiscoveryMillis = restored.lastDiscoveryMillis();
            discoveryComplete =
                    discovery != null && discoverySettings.once() && lastDiscoveryMillis >= 0;
        } else {
            unplanned.addAll(staticSplits);
            lastDiscoveryMillis = -1;
        }
    }

    /**
     * Cameras the job adds that the restored state does not know: added to the source since the
     * checkpoint or savepoint. Those it knows keep their restored position; those the job no longer
     * adds are read on as restored, since their splits are in the readers' state.
     */
    private void addCamerasNewSinceTheCheckpoint(Collection<KvsStreamSplit> staticSplits) {
        Set<String> known = new HashSet<>(owners.keySet());
        known.addAll(discovered.keySet());
        unplanned.forEach(split -> known.add(split.splitId()));
        for (KvsStreamSplit split : staticSplits) {
            if (!known.contains(split.splitId())) {
                LOG.info(
                        "Camera {} (stream {}) is new since the restored checkpoint; starting it"
                                + " at {}",
                        split.splitId(),
                        split.stream(),
                        split.startingPosition());
                unplanned.add(split);
            }
        }
    }

    @Override
    public void start() {
        discoveryErrors = context.metricGroup().counter(DISCOVERY_ERRORS);
        context.metricGroup().gauge(DISCOVERED_CAMERAS, discovered::size);
        planUnassigned();
        if (discovery != null && !discoveryComplete) {
            long period = discoverySettings.interval().toMillis();
            context.callAsync(this::discoverTimed, this::onDiscovered, 0, period);
        }
    }

    /** Runs on the enumerator's worker thread. */
    private Discovery discoverTimed() throws Exception {
        if (discoveryComplete) {
            return null;
        }
        long startedAt = System.currentTimeMillis();
        return new Discovery(startedAt, discovery.discover());
    }

    /** Runs in the coordinator thread. */
    private void onDiscovered(@Nullable Discovery result, @Nullable Throwable error) {
        if (error != null) {
            discoveryErrors.inc();
            LOG.warn(
                    "Discovering streams failed; trying again in {}: {}",
                    discoverySettings.interval(),
                    SessionTokenRedactor.redact(String.valueOf(error.getMessage())));
            return;
        }
        if (result == null || discoveryComplete) {
            return;
        }
        discoveryRound++;
        // Only the last few rounds' removals hold a camera back; older ones are forgotten.
        removedInRound
                .values()
                .removeIf(removed -> discoveryRound - removed >= ROUNDS_BEFORE_RETURN);
        StartingPosition start =
                lastDiscoveryMillis < 0
                        ? discoverySettings.initialStart()
                        : StartingPosition.fromTimestamp(lastDiscoveryMillis);
        DiscoveryRound round = result.round;
        if (!round.isComplete()) {
            discoveryErrors.inc();
            LOG.warn(
                    "Discovery round cut short ({}); new cameras it found are added, cameras whose"
                            + " streams it could not check are kept; trying again in {}",
                    round,
                    discoverySettings.interval());
        }
        Map<String, String> found = new LinkedHashMap<>();
        for (DiscoveredStream stream : round.matches()) {
            if (!staticCameras.contains(stream.cameraId())) {
                found.put(stream.cameraId(), stream.streamName());
            }
        }
        for (Iterator<Map.Entry<String, String>> it = discovered.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, String> camera = it.next();
            if (!camera.getValue().equals(found.get(camera.getKey()))
                    && !round.mayStillMatch(camera.getValue())) {
                it.remove();
                finishCamera(camera.getKey());
            }
        }
        for (Map.Entry<String, String> camera : found.entrySet()) {
            String cameraId = camera.getKey();
            Integer removed = removedInRound.get(cameraId);
            if (discovered.containsKey(cameraId)
                    || (removed != null && discoveryRound - removed < ROUNDS_BEFORE_RETURN)) {
                continue;
            }
            removedInRound.remove(cameraId);
            LOG.info(
                    "Discovered camera {} (stream {}), starting at {}",
                    cameraId,
                    camera.getValue(),
                    start);
            discovered.put(cameraId, camera.getValue());
            unplanned.add(
                    new KvsStreamSplit(
                            cameraId,
                            camera.getValue(),
                            start,
                            discoverySettings.stoppingTimestampMillis(),
                            null));
        }
        if (round.isComplete()) {
            // Only a complete round proves that every stream existing when it started was seen, so
            // only it may move where later cameras start.
            lastDiscoveryMillis = result.startedAtMillis;
            discoveryComplete = discoverySettings.once();
        }
        planUnassigned();
        for (int subtask : context.registeredReaders().keySet()) {
            assignPending(subtask);
        }
    }

    private void finishCamera(String cameraId) {
        removedInRound.put(cameraId, discoveryRound);
        unplanned.removeIf(split -> split.splitId().equals(cameraId));
        for (List<KvsStreamSplit> pending : pendingByOwner.values()) {
            if (pending.removeIf(split -> split.splitId().equals(cameraId))) {
                owners.remove(cameraId);
                LOG.info("Camera {} is gone before it was assigned", cameraId);
                return;
            }
        }
        Integer owner = owners.remove(cameraId);
        ownerIsOnlyAHint.remove(cameraId);
        if (owner != null && context.registeredReaders().containsKey(owner)) {
            LOG.info(
                    "Camera {}'s stream was deleted or no longer matches; finishing it on subtask"
                            + " {}",
                    cameraId,
                    owner);
            context.sendEventToSourceReader(owner, new FinishCameraEvent(cameraId));
        }
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (event instanceof RestoredCamerasEvent) {
            onRestoredCameras(subtaskId, ((RestoredCamerasEvent) event).cameraIds());
        } else if (event instanceof CameraEndedEvent) {
            onCameraEnded(subtaskId, (CameraEndedEvent) event);
        } else {
            LOG.warn("Ignoring unknown event {} from subtask {}", event, subtaskId);
        }
    }

    /**
     * A reader restored these cameras. Those finished since (while no reader was there to be told,
     * or after the checkpoint the reader restored) are finished again, as are stale copies of a
     * camera that runs, or is about to run, from a newer split. The others run on that subtask from
     * now on, wherever the checkpoint had them (rescaling moves splits).
     */
    private void onRestoredCameras(int subtaskId, List<String> cameraIds) {
        for (String cameraId : cameraIds) {
            Integer owner = owners.get(cameraId);
            boolean newerSplit =
                    isWaitingForAReader(cameraId)
                            || (owner != null
                                    && owner != subtaskId
                                    && !ownerIsOnlyAHint.contains(cameraId));
            if (owner == null || newerSplit) {
                LOG.info(
                        "Camera {} restored on subtask {} was finished since, or runs from a newer"
                                + " split; finishing the restored one",
                        cameraId,
                        subtaskId);
                context.sendEventToSourceReader(subtaskId, new FinishCameraEvent(cameraId));
            } else {
                owners.put(cameraId, subtaskId);
                ownerIsOnlyAHint.remove(cameraId);
            }
        }
        if (readersToReportAfterRestore.remove(subtaskId)
                && readersToReportAfterRestore.isEmpty()) {
            forgetCamerasNoReaderRestored();
        }
    }

    /**
     * Once every reader reported after a restore: discovered cameras that no reader restored ended
     * between this enumerator's checkpoint and the readers' (Flink checkpoints the enumerator
     * first). They are forgotten, so that their streams are found again if they exist.
     */
    private void forgetCamerasNoReaderRestored() {
        for (Iterator<String> it = ownerIsOnlyAHint.iterator(); it.hasNext(); ) {
            String cameraId = it.next();
            it.remove();
            if (discovered.containsKey(cameraId) && !isWaitingForAReader(cameraId)) {
                LOG.info(
                        "Camera {} ended just before the checkpoint the job restored; its stream"
                                + " is looked for again at the next discovery",
                        cameraId);
                discovered.remove(cameraId);
                owners.remove(cameraId);
            }
        }
    }

    /**
     * A camera's split ended on its reader. One whose stream is gone is forgotten at once, so that
     * a stream re-created under its name is found by the next round. One finished by this
     * enumerator is proven gone, so it may come back without waiting out the rounds.
     */
    private void onCameraEnded(int subtaskId, CameraEndedEvent event) {
        String cameraId = event.cameraId();
        Integer owner = owners.get(cameraId);
        if (owner == null) {
            if (!isWaitingForAReader(cameraId)) {
                removedInRound.remove(cameraId);
            }
            return;
        }
        if (event.streamGone() && owner == subtaskId && discovered.containsKey(cameraId)) {
            LOG.info(
                    "Camera {}'s stream {} no longer exists; a stream created again under that name"
                            + " is read from the next discovery",
                    cameraId,
                    discovered.get(cameraId));
            discovered.remove(cameraId);
            owners.remove(cameraId);
        }
    }

    private boolean isWaitingForAReader(String cameraId) {
        return unplanned.stream().anyMatch(split -> split.splitId().equals(cameraId))
                || pendingByOwner.values().stream()
                        .flatMap(List::stream)
                        .anyMatch(split -> split.splitId().equals(cameraId));
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed on registration; nothing to do on request.
    }

    @Override
    public void addSplitsBack(List<KvsStreamSplit> splits, int subtaskId) {
        LOG.info(
                "{} camera(s) returned by subtask {}; they go back to it when it re-registers",
                splits.size(),
                subtaskId);
        for (KvsStreamSplit split : splits) {
            if (!staticCameras.contains(split.splitId())
                    && !discovered.containsKey(split.splitId())) {
                continue;
            }
            owners.put(split.splitId(), subtaskId);
            ownerIsOnlyAHint.remove(split.splitId());
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
                ownerIsOnlyAHint.remove(split.splitId());
            }
        }
        if (noMoreSplitsWillCome() && toldNoMoreSplits.add(subtaskId)) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    /** Once the camera set is final (no discovery, or discovery done once) and all are planned. */
    private boolean noMoreSplitsWillCome() {
        return unplanned.isEmpty() && (discovery == null || discoveryComplete);
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
        return new KvsEnumeratorState(assigned, unassigned, discovered, lastDiscoveryMillis);
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
    }

    /** The result of one discovery and when it started. */
    private static final class Discovery {
        final long startedAtMillis;
        final DiscoveryRound round;

        Discovery(long startedAtMillis, DiscoveryRound round) {
            this.startedAtMillis = startedAtMillis;
            this.round = round;
        }
    }
}
