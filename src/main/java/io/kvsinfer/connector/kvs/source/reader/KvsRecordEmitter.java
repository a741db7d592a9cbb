package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Preconditions;

import javax.annotation.Nullable;

/**
 * Emits frames with their producer timestamp as event time and advances the camera's position, so a
 * checkpoint taken after this frame resumes right after it. An idle signal marks the camera's
 * output idle so a silent camera does not hold back event time; the next frame makes it active
 * again. The signal sent before a camera's first frame becomes a watermark just below that
 * fragment's start, so the camera takes part in event time (and watermark alignment) at once.
 *
 * <p>{@code SourceReaderBase} counts every element it takes from the fetchers in {@code
 * numRecordsIn} before handing it here, idle signals included; an idle signal is not a record, so
 * it is taken back out of that counter, which then counts exactly the frames emitted.
 */
@Internal
final class KvsRecordEmitter<T> implements RecordEmitter<CameraRecord<T>, T, KvsStreamSplitState> {

    private final Counter numRecordsIn;
    @Nullable private final RecyclingFrameMapper<T> recycler;

    /**
     * @param numRecordsIn the reader's {@code getIOMetricGroup().getNumRecordsInCounter()}
     * @param mapper the source's mapper; if it recycles its records, each is handed back once
     *     emitted
     */
    public KvsRecordEmitter(Counter numRecordsIn, FrameMapper<T> mapper) {
        this.numRecordsIn =
                Preconditions.checkNotNull(numRecordsIn, "numRecordsIn must not be null");
        this.recycler =
                mapper instanceof RecyclingFrameMapper ? (RecyclingFrameMapper<T>) mapper : null;
    }

    @Override
    public void emitRecord(
            CameraRecord<T> record, SourceOutput<T> output, KvsStreamSplitState state) {
        switch (record.kind()) {
            case IDLE:
                numRecordsIn.dec();
                if (!state.isIdle()) {
                    state.setIdle(true);
                    output.markIdle();
                }
                return;
            case NOTHING_BEFORE:
                numRecordsIn.dec();
                state.setIdle(false);
                output.emitWatermark(new Watermark(record.timestampMillis() - 1));
                return;
            case FRAME:
            default:
                emitFrame(record, output, state);
        }
    }

    private void emitFrame(
            CameraRecord<T> record, SourceOutput<T> output, KvsStreamSplitState state) {
        if (state.isIdle()) {
            state.setIdle(false);
            output.markActive();
        }
        T value = record.unmapped() == null ? record.value() : mapHere(record.unmapped());
        if (value != null) {
            output.collect(value, record.timestampMillis());
        }
        state.advance(record.positionAfter());
        if (recycler != null && value != null) {
            recycler.recycle(value);
        }
    }

    /**
     * Maps a frame the fetcher left to the task thread (a recycling mapper's), then frees its
     * pixels.
     */
    @Nullable
    private T mapHere(DecodedCameraFrame frame) {
        Preconditions.checkState(
                recycler != null, "a frame to map arrived without a recycling mapper");
        try {
            return FragmentFrames.map(recycler, frame);
        } finally {
            frame.release();
        }
    }
}
