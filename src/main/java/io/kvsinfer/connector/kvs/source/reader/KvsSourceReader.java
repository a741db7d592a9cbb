package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.enumerator.CameraEndedEvent;
import io.kvsinfer.connector.kvs.source.enumerator.FinishCameraEvent;
import io.kvsinfer.connector.kvs.source.enumerator.RestoredCamerasEvent;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SourceReaderBase;
import org.apache.flink.util.FlinkUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source reader of one subtask: one fetcher thread per camera, frames emitted with their
 * producer timestamps, and each camera's position checkpointed after every emitted frame.
 */
@Internal
final class KvsSourceReader<T>
        extends SourceReaderBase<CameraRecord<T>, T, KvsStreamSplit, KvsStreamSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(KvsSourceReader.class);

    private final AutoCloseable sharedClients;
    private final PerCameraFetcherManager<T> cameras;
    private final Set<String> streamsGone;

    /** Cameras with a split in this reader, each once. */
    private final Set<String> running = new HashSet<>();

    /** Splits assigned while an older split of their camera still runs here. */
    private final Map<String, KvsStreamSplit> waitingForOlderSplit = new HashMap<>();

    KvsSourceReader(
            PerCameraFetcherManager<T> fetcherManager,
            Configuration config,
            SourceReaderContext context,
            FrameMapper<T> mapper,
            AutoCloseable sharedClients,
            Set<String> streamsGone) {
        super(
                fetcherManager,
                new KvsRecordEmitter<>(
                        context.metricGroup().getIOMetricGroup().getNumRecordsInCounter(), mapper),
                config,
                context);
        this.sharedClients = sharedClients;
        this.cameras = fetcherManager;
        this.streamsGone = streamsGone;
        releaseNativeReferencesWithTheJob(context.getUserCodeClassLoader());
    }

    /**
     * What JavaCPP holds in static state of its own would pin a job's class loader after the job
     * ends, when the job jar brings the connector or JavaCV: the connector's FFmpeg callbacks
     * (retained pointers) and JavaCPP's deallocator thread. Each goes when the loader is released,
     * and only if that loader is the job's (a connector or JavaCV in the cluster's lib/ is shared).
     * With JavaCV in lib/, JavaCPP's one deallocator thread keeps the class loader of the job that
     * started it (through the thread's inherited access-control context): one loader per
     * TaskManager, documented in docs/deployment.md.
     */
    private static void releaseNativeReferencesWithTheJob(UserCodeClassLoader loader) {
        if (FragmentDecoder.class.getClassLoader() instanceof FlinkUserCodeClassLoader) {
            loader.registerReleaseHookIfAbsent(
                    "kvs-ffmpeg-callbacks", FragmentDecoder::releaseNativeCallbacks);
        }
        if (Pointer.class.getClassLoader() instanceof FlinkUserCodeClassLoader) {
            loader.registerReleaseHookIfAbsent(
                    "kvs-javacpp-deallocator", Pointer::interruptDeallocatorThread);
        }
    }

    /**
     * A camera assigned while an older split of it still runs here (restored from a checkpoint
     * taken before the camera ended and came back) waits until the older one is finished: two
     * splits with one id would share one entry of the reader's split states.
     */
    @Override
    public void addSplits(List<KvsStreamSplit> splits) {
        List<KvsStreamSplit> addNow = new ArrayList<>(splits.size());
        List<String> finishFirst = new ArrayList<>();
        for (KvsStreamSplit split : splits) {
            String cameraId = split.splitId();
            if (running.add(cameraId)) {
                addNow.add(split);
            } else {
                LOG.info(
                        "Camera {} was assigned again while an older split of it runs; finishing"
                                + " that one first",
                        cameraId);
                waitingForOlderSplit.put(cameraId, split);
                finishFirst.add(cameraId);
            }
        }
        if (!addNow.isEmpty()) {
            super.addSplits(addNow);
        }
        // After adding: the older split may be in this very call, its fetcher not yet made.
        finishFirst.forEach(cameras::finishCamera);
    }

    /** A split waiting for its camera's older one stands in that one's place in a checkpoint. */
    @Override
    public List<KvsStreamSplit> snapshotState(long checkpointId) {
        List<KvsStreamSplit> splits = super.snapshotState(checkpointId);
        if (waitingForOlderSplit.isEmpty()) {
            return splits;
        }
        List<KvsStreamSplit> current = new ArrayList<>(splits.size());
        for (KvsStreamSplit split : splits) {
            current.add(waitingForOlderSplit.getOrDefault(split.splitId(), split));
        }
        return current;
    }

    @Override
    public void start() {
        // Splits are pushed by the enumerator when this reader registers; nothing to request. What
        // runs now was restored (Flink adds restored splits before start()) and is reported, none
        // too, so that cameras finished since are finished again.
        context.sendSourceEventToCoordinator(new RestoredCamerasEvent(List.copyOf(running)));
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof FinishCameraEvent) {
            // A finish is meant for the camera's newest split, even one still waiting.
            String cameraId = ((FinishCameraEvent) event).cameraId();
            waitingForOlderSplit.remove(cameraId);
            cameras.finishCamera(cameraId);
        } else {
            super.handleSourceEvents(event);
        }
    }

    @Override
    protected void onSplitFinished(Map<String, KvsStreamSplitState> finishedSplitIds) {
        // Each camera closes its own metrics and decoder when its fetcher ends.
        for (String cameraId : finishedSplitIds.keySet()) {
            boolean streamGone = streamsGone.remove(cameraId);
            running.remove(cameraId);
            KvsStreamSplit newer = waitingForOlderSplit.remove(cameraId);
            if (newer != null) {
                running.add(cameraId);
                super.addSplits(List.of(newer));
            } else {
                context.sendSourceEventToCoordinator(new CameraEndedEvent(cameraId, streamGone));
            }
        }
    }

    @Override
    protected KvsStreamSplitState initializedState(KvsStreamSplit split) {
        return new KvsStreamSplitState(split);
    }

    @Override
    protected KvsStreamSplit toSplitType(String splitId, KvsStreamSplitState state) {
        return state.toSplit();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            sharedClients.close();
        }
    }
}
