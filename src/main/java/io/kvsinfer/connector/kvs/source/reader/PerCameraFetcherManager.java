package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherManager;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gives every camera its own fetcher thread. Decoding is CPU-heavy and blocking, so sharing a
 * thread would let one slow camera stall the others.
 */
@Internal
final class PerCameraFetcherManager<T> extends SplitFetcherManager<CameraRecord<T>, KvsStreamSplit> {

    PerCameraFetcherManager(
            Supplier<SplitReader<CameraRecord<T>, KvsStreamSplit>> readerFactory, Configuration config) {
        super(readerFactory, config);
    }

    @Override
    public void addSplits(List<KvsStreamSplit> splits) {
        for (KvsStreamSplit split : splits) {
            SplitFetcher<CameraRecord<T>, KvsStreamSplit> fetcher = createSplitFetcher();
            fetcher.addSplits(Collections.singletonList(split));
            startFetcher(fetcher);
        }
    }

    @Override
    public void removeSplits(List<KvsStreamSplit> splits) {
        for (KvsStreamSplit split : splits) {
            for (Map.Entry<Integer, SplitFetcher<CameraRecord<T>, KvsStreamSplit>> entry : fetchers.entrySet()) {
                SplitFetcher<CameraRecord<T>, KvsStreamSplit> fetcher = entry.getValue();
                if (fetcher.assignedSplits().containsKey(split.splitId())) {
                    fetcher.removeSplits(Collections.singletonList(split));
                }
            }
        }
    }
}
