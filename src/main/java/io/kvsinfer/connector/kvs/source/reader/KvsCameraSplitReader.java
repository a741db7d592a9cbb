package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The split reader of one fetcher thread, which serves exactly one camera: a slow or broken camera
 * then never stalls another. Paused cameras (watermark alignment) fetch nothing until resumed.
 */
@Internal
final class KvsCameraSplitReader<T> implements SplitReader<CameraRecord<T>, KvsStreamSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(KvsCameraSplitReader.class);

    private final Function<KvsStreamSplit, CameraFetcher<T>> fetcherFactory;
    private final Consumer<String> onStreamGone;
    private final WakeableSleeper pauseSleeper = new WakeableSleeper();

    /** Set on the fetcher thread; read by Flink's threads in wakeUp() and finishCamera(). */
    private volatile CameraFetcher<T> camera;

    private volatile boolean paused;

    /**
     * A finish asked for before the fetcher thread created the camera (creating the first decoder
     * may load FFmpeg's libraries); guarded by {@code this}, as is the camera's creation.
     */
    private String finishBeforeStart;

    /**
     * @param onStreamGone told the camera's id, before its split is reported finished, when it
     *     finished because its stream no longer exists
     */
    KvsCameraSplitReader(
            Function<KvsStreamSplit, CameraFetcher<T>> fetcherFactory,
            Consumer<String> onStreamGone) {
        this.fetcherFactory = fetcherFactory;
        this.onStreamGone = onStreamGone;
    }

    @Override
    public RecordsWithSplitIds<CameraRecord<T>> fetch() {
        RecordsBySplits.Builder<CameraRecord<T>> batch = new RecordsBySplits.Builder<>();
        if (camera == null) {
            return batch.build();
        }
        if (paused && !camera.isFinished()) {
            camera.releaseDecodeSlot();
            pauseSleeper.sleep(java.time.Duration.ofMillis(200));
            return batch.build();
        }
        List<CameraRecord<T>> records = camera.isFinished() ? List.of() : camera.fetch();
        batch.addAll(camera.cameraId(), records);
        if (camera.isFinished()) {
            if (camera.isStreamGone()) {
                onStreamGone.accept(camera.cameraId());
            }
            batch.addFinishedSplit(camera.cameraId());
            closeCamera();
        }
        return batch.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<KvsStreamSplit> change) {
        if (change instanceof SplitsAddition) {
            for (KvsStreamSplit split : change.splits()) {
                if (camera != null) {
                    throw new IllegalStateException(
                            "A fetcher reads one camera; "
                                    + camera.cameraId()
                                    + " is assigned and "
                                    + split.splitId()
                                    + " was added");
                }
                LOG.info(
                        "Starting camera {} (stream {}) from {}",
                        split.cameraId(),
                        split.stream(),
                        split.position()
                                .map(Object::toString)
                                .orElse(split.startingPosition().toString()));
                CameraFetcher<T> created = fetcherFactory.apply(split);
                synchronized (this) {
                    camera = created;
                    if (split.splitId().equals(finishBeforeStart)) {
                        created.finishSoon();
                    }
                }
            }
        } else if (change instanceof SplitsRemoval) {
            closeCamera();
        }
    }

    @Override
    public void pauseOrResumeSplits(
            Collection<KvsStreamSplit> toPause, Collection<KvsStreamSplit> toResume) {
        if (camera == null) {
            return;
        }
        for (KvsStreamSplit split : toPause) {
            if (split.splitId().equals(camera.cameraId())) {
                LOG.debug("Pausing camera {} for watermark alignment", camera.cameraId());
                paused = true;
                camera.setPaused(true);
            }
        }
        for (KvsStreamSplit split : toResume) {
            if (split.splitId().equals(camera.cameraId())) {
                LOG.debug("Resuming camera {}", camera.cameraId());
                paused = false;
                camera.setPaused(false);
                pauseSleeper.wakeUp();
            }
        }
    }

    /**
     * Finishes the camera if this fetcher reads it, or will once it has created it; called from the
     * reader's thread.
     */
    synchronized void finishCamera(String cameraId) {
        CameraFetcher<T> current = camera;
        if (current == null) {
            finishBeforeStart = cameraId;
        } else if (current.cameraId().equals(cameraId)) {
            current.finishSoon();
        }
    }

    @Override
    public void wakeUp() {
        pauseSleeper.wakeUp();
        CameraFetcher<T> current = camera;
        if (current != null) {
            current.wakeUp();
        }
    }

    private void closeCamera() {
        if (camera != null) {
            camera.close();
            camera = null;
        }
    }

    @Override
    public void close() {
        closeCamera();
    }
}
