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

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hands out one split per camera (see {@link CameraAssignments} for which reader gets which).
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

    private final CameraAssignments assignments;

    /** Discovered cameras that are being read: camera id to stream name. */
    private final Map<String, String> discovered = new LinkedHashMap<>();

    private final Map<String, Integer> removedInRound = new HashMap<>();

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
        // The camera set is final without discovery, or once discovery ran its only round.
        this.assignments =
                new CameraAssignments(context, () -> discovery == null || discoveryComplete);
        staticSplits.forEach(split -> staticCameras.add(split.splitId()));
        if (restored != null) {
            assignments.restore(restored.assignedOwners(), restored.unassigned());
            for (int subtask = 0; subtask < context.currentParallelism(); subtask++) {
                readersToReportAfterRestore.add(subtask);
            }
            discovered.putAll(restored.discoveredCameras());
            addCamerasNewSinceTheCheckpoint(staticSplits);
            lastDiscoveryMillis = restored.lastDiscoveryMillis();
            discoveryComplete =
                    discovery != null && discoverySettings.once() && lastDiscoveryMillis >= 0;
        } else {
            staticSplits.forEach(assignments::add);
            lastDiscoveryMillis = -1;
        }
    }

    /**
     * Cameras the job adds that the restored state does not know: added to the source since the
     * checkpoint or savepoint. Those it knows keep their restored position; those the job no longer
     * adds are read on as restored, since their splits are in the readers' state.
     */
    private void addCamerasNewSinceTheCheckpoint(Collection<KvsStreamSplit> staticSplits) {
        for (KvsStreamSplit split : staticSplits) {
            if (!assignments.knows(split.splitId()) && !discovered.containsKey(split.splitId())) {
                LOG.info(
                        "Camera {} (stream {}) is new since the restored checkpoint; starting it"
                                + " at {}",
                        split.splitId(),
                        split.stream(),
                        split.startingPosition());
                assignments.add(split);
            }
        }
    }

    @Override
    public void start() {
        discoveryErrors = context.metricGroup().counter(DISCOVERY_ERRORS);
        context.metricGroup().gauge(DISCOVERED_CAMERAS, discovered::size);
        assignments.plan();
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
            assignments.add(
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
        assignments.plan();
    }

    private void finishCamera(String cameraId) {
        removedInRound.put(cameraId, discoveryRound);
        Integer owner = assignments.remove(cameraId);
        if (owner == null) {
            LOG.info("Camera {} is gone before it was assigned", cameraId);
        } else if (context.registeredReaders().containsKey(owner)) {
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
            boolean newerSplit =
                    assignments.isWaitingForAReader(cameraId)
                            || assignments.isConfirmedOnAnotherSubtask(cameraId, subtaskId);
            if (assignments.owner(cameraId) == null || newerSplit) {
                LOG.info(
                        "Camera {} restored on subtask {} was finished since, or runs from a newer"
                                + " split; finishing the restored one",
                        cameraId,
                        subtaskId);
                context.sendEventToSourceReader(subtaskId, new FinishCameraEvent(cameraId));
            } else {
                assignments.confirm(cameraId, subtaskId);
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
        for (String cameraId : assignments.takeUnconfirmed()) {
            if (discovered.containsKey(cameraId) && !assignments.isWaitingForAReader(cameraId)) {
                LOG.info(
                        "Camera {} ended just before the checkpoint the job restored; its stream"
                                + " is looked for again at the next discovery",
                        cameraId);
                discovered.remove(cameraId);
                assignments.remove(cameraId);
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
        Integer owner = assignments.owner(cameraId);
        if (owner == null) {
            if (!assignments.isWaitingForAReader(cameraId)) {
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
            assignments.remove(cameraId);
        }
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
            // Only a camera still read on that subtask comes back: one finished since, or read
            // elsewhere from a newer split, stays away.
            if (Integer.valueOf(subtaskId).equals(assignments.owner(split.splitId()))) {
                assignments.addBack(split, subtaskId);
            }
        }
    }

    @Override
    public void addReader(int subtaskId) {
        assignments.readerRegistered(subtaskId);
    }

    @Override
    public KvsEnumeratorState snapshotState(long checkpointId) {
        return new KvsEnumeratorState(
                assignments.assignedOwners(),
                assignments.unassigned(),
                discovered,
                lastDiscoveryMillis);
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
