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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Gives every camera its own fetcher thread. Decoding is CPU-heavy and blocking, so sharing a
 * thread would let one slow camera stall the others.
 */
@Internal
final class PerCameraFetcherManager<T>
        extends SplitFetcherManager<CameraRecord<T>, KvsStreamSplit> {

    PerCameraFetcherManager(
            Supplier<SplitReader<CameraRecord<T>, KvsStreamSplit>> readerFactory,
            Configuration config) {
        super(readerFactory, config);
    }

    /** Camera id to the id of the fetcher that reads it. */
    private final Map<String, Integer> fetcherOfCamera = new ConcurrentHashMap<>();

    @Override
    public void addSplits(List<KvsStreamSplit> splits) {
        for (KvsStreamSplit split : splits) {
            SplitFetcher<CameraRecord<T>, KvsStreamSplit> fetcher = createSplitFetcher();
            fetcherOfCamera.put(split.splitId(), fetcher.fetcherId());
            fetcher.addSplits(Collections.singletonList(split));
            startFetcher(fetcher);
        }
    }

    /** Makes the camera's fetcher finish its split, as if the stream had ended. */
    void finishCamera(String cameraId) {
        Integer fetcherId = fetcherOfCamera.get(cameraId);
        SplitFetcher<CameraRecord<T>, KvsStreamSplit> fetcher =
                fetcherId == null ? null : fetchers.get(fetcherId);
        if (fetcher != null) {
            ((KvsCameraSplitReader<T>) fetcher.getSplitReader()).finishCamera(cameraId);
        }
    }

    @Override
    public void removeSplits(List<KvsStreamSplit> splits) {
        for (KvsStreamSplit split : splits) {
            Integer fetcherId = fetcherOfCamera.remove(split.splitId());
            SplitFetcher<CameraRecord<T>, KvsStreamSplit> fetcher =
                    fetcherId == null ? null : fetchers.get(fetcherId);
            if (fetcher != null) {
                fetcher.removeSplits(Collections.singletonList(split));
            }
        }
    }
}
