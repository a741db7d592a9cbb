package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.split.FragmentPosition;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitState;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KvsRecordEmitterTest {

    /** A split output that records what reaches it. */
    private static final class Output implements SourceOutput<String> {
        final List<String> records = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public void collect(String record) {
            records.add(record);
        }

        @Override
        public void collect(String record, long timestamp) {
            records.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            events.add("watermark " + watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            events.add("idle");
        }

        @Override
        public void markActive() {
            events.add("active");
        }
    }

    /** What SourceReaderBase does with every element from the fetchers: count it, then emit it. */
    private static void pollOne(
            KvsRecordEmitter<String> emitter,
            Counter numRecordsIn,
            CameraRecord<String> record,
            Output output,
            KvsStreamSplitState state) {
        numRecordsIn.inc();
        emitter.emitRecord(record, output, state);
    }

    @Test
    void theStartSignalBecomesAWatermarkJustBelowTheFirstFragment() {
        Counter numRecordsIn = new SimpleCounter();
        KvsRecordEmitter<String> emitter = new KvsRecordEmitter<>(numRecordsIn, frame -> "unused");
        Output output = new Output();
        KvsStreamSplitState state =
                new KvsStreamSplitState(
                        new KvsStreamSplit(
                                "cam",
                                "stream",
                                StartingPosition.earliest(),
                                KvsStreamSplit.NO_STOPPING_TIMESTAMP,
                                null));

        pollOne(emitter, numRecordsIn, CameraRecord.nothingBefore(5000), output, state);
        pollOne(
                emitter,
                numRecordsIn,
                CameraRecord.frame("a", 5000, new FragmentPosition("1", 5000, 1, 5000)),
                output,
                state);

        assertThat(output.events).containsExactly("watermark 4999");
        assertThat(output.records).containsExactly("a");
        assertThat(numRecordsIn.getCount()).isEqualTo(1);
        assertThat(state.position().framesConsumed()).isEqualTo(1);
    }

    @Test
    void numRecordsInCountsFramesOnlyNotIdleSignals() {
        Counter numRecordsIn = new SimpleCounter();
        KvsRecordEmitter<String> emitter = new KvsRecordEmitter<>(numRecordsIn, frame -> "unused");
        Output output = new Output();
        KvsStreamSplitState state =
                new KvsStreamSplitState(
                        new KvsStreamSplit(
                                "cam",
                                "stream",
                                StartingPosition.earliest(),
                                KvsStreamSplit.NO_STOPPING_TIMESTAMP,
                                null));

        pollOne(
                emitter,
                numRecordsIn,
                CameraRecord.frame("a", 1000, new FragmentPosition("1", 1000, 1, 1000)),
                output,
                state);
        pollOne(emitter, numRecordsIn, CameraRecord.idle(), output, state);
        assertThat(state.isIdle()).isTrue();
        pollOne(emitter, numRecordsIn, CameraRecord.idle(), output, state);
        pollOne(
                emitter,
                numRecordsIn,
                CameraRecord.frame("b", 1100, new FragmentPosition("1", 1000, 2, 1100)),
                output,
                state);

        assertThat(output.records).containsExactly("a", "b");
        assertThat(output.events).containsExactly("idle", "active");
        assertThat(numRecordsIn.getCount()).isEqualTo(2);
        assertThat(state.isIdle()).isFalse();
        assertThat(state.position().framesConsumed()).isEqualTo(2);
    }
}
