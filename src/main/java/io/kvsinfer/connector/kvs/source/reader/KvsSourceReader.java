package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.enumerator.FinishCameraEvent;
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

import java.util.Map;

/**
 * The source reader of one subtask: one fetcher thread per camera, frames emitted with their
 * producer timestamps, and each camera's position checkpointed after every emitted frame.
 */
@Internal
final class KvsSourceReader<T>
        extends SourceReaderBase<CameraRecord<T>, T, KvsStreamSplit, KvsStreamSplitState> {

    private final AutoCloseable sharedClients;
    private final PerCameraFetcherManager<T> cameras;

    KvsSourceReader(
            PerCameraFetcherManager<T> fetcherManager,
            Configuration config,
            SourceReaderContext context,
            FrameMapper<T> mapper,
            AutoCloseable sharedClients) {
        super(
                fetcherManager,
                new KvsRecordEmitter<>(
                        context.metricGroup().getIOMetricGroup().getNumRecordsInCounter(), mapper),
                config,
                context);
        this.sharedClients = sharedClients;
        this.cameras = fetcherManager;
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

    @Override
    public void start() {
        // Splits are pushed by the enumerator when this reader registers; nothing to request.
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof FinishCameraEvent) {
            cameras.finishCamera(((FinishCameraEvent) event).cameraId());
        } else {
            super.handleSourceEvents(event);
        }
    }

    @Override
    protected void onSplitFinished(Map<String, KvsStreamSplitState> finishedSplitIds) {
        // Each camera closes its own metrics and decoder when its fetcher ends.
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
