package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SourceReaderBase;

import org.bytedeco.javacpp.Pointer;

import java.util.Map;

/**
 * The source reader of one subtask: one fetcher thread per camera, frames emitted with their
 * producer timestamps, and each camera's position checkpointed after every emitted frame.
 */
@Internal
public final class KvsSourceReader<T>
        extends SourceReaderBase<CameraRecord<T>, T, KvsStreamSplit, KvsStreamSplitState> {

    private final AutoCloseable sharedClients;

    KvsSourceReader(
            PerCameraFetcherManager<T> fetcherManager,
            Configuration config,
            SourceReaderContext context,
            AutoCloseable sharedClients) {
        super(fetcherManager,
                new KvsRecordEmitter<>(context.metricGroup().getIOMetricGroup().getNumRecordsInCounter()),
                config, context);
        this.sharedClients = sharedClients;
        // JavaCPP's deallocator thread would pin this job's classloader after the job ends.
        context.getUserCodeClassLoader()
                .registerReleaseHookIfAbsent("kvs-javacpp-deallocator", Pointer::interruptDeallocatorThread);
    }

    @Override
    public void start() {
        // Splits are pushed by the enumerator when this reader registers; nothing to request.
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
