package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.split.FragmentPosition;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplitState;
import io.kvsinfer.connector.kvs.testing.RecordsOnlyOutput;

import org.apache.flink.metrics.SimpleCounter;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PooledVideoFrameMapperTest {

    /**
     * A decoded frame whose rows are padded, as FFmpeg's are, and whose bytes say which frame it
     * is.
     */
    private record PaddedFrame(
            PixelFormat pixelFormat, int width, int height, int stride, byte fill)
            implements CameraFrame {
        PaddedFrame(int width, int height, int stride, byte fill) {
            this(PixelFormat.BGR24, width, height, stride, fill);
        }

        @Override
        public String cameraId() {
            return "cam";
        }

        @Override
        public String stream() {
            return "stream";
        }

        @Override
        public long timestampMillis() {
            return 1000L + fill;
        }

        @Override
        public String fragmentNumber() {
            return "1";
        }

        @Override
        public int indexInFragment() {
            return fill;
        }

        @Override
        public boolean isKeyFrame() {
            return fill == 0;
        }

        @Override
        public ByteBuffer pixels() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(stride * height);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < stride; x++) {
                    buffer.put(
                            y * stride + x,
                            x < pixelFormat.bytesPerPixel() * width ? fill : (byte) -1);
                }
            }
            return buffer;
        }
    }

    /** Records, at the moment of emission, which array each frame carried and what was in it. */
    private static final class Output extends RecordsOnlyOutput<VideoFrame> {
        final List<byte[]> arrays = new ArrayList<>();
        final List<Byte> firstBytes = new ArrayList<>();

        @Override
        public void collect(VideoFrame record) {
            collect(record, 0);
        }

        @Override
        public void collect(VideoFrame record, long timestamp) {
            arrays.add(record.getData());
            firstBytes.add(record.getData()[0]);
        }
    }

    private final PooledVideoFrameMapper mapper = new PooledVideoFrameMapper();
    private final KvsRecordEmitter<VideoFrame> emitter =
            new KvsRecordEmitter<>(new SimpleCounter(), mapper);
    private final KvsStreamSplitState state =
            new KvsStreamSplitState(
                    new KvsStreamSplit(
                            "cam",
                            "stream",
                            StartingPosition.earliest(),
                            KvsStreamSplit.NO_STOPPING_TIMESTAMP,
                            null));
    private final Output output = new Output();

    private VideoFrame emit(CameraFrame frame) {
        VideoFrame record = mapper.map(frame);
        emitter.emitRecord(
                CameraRecord.frame(
                        record,
                        frame.timestampMillis(),
                        new FragmentPosition(
                                "1", 1000, frame.indexInFragment() + 1, frame.timestampMillis())),
                output,
                state);
        return record;
    }

    @Test
    void packsPaddedRowsIntoOneArray() {
        VideoFrame record = mapper.map(new PaddedFrame(4, 2, 16, (byte) 7));
        assertThat(record.getData()).hasSize(24).containsOnly(7);
        assertThat(record.getWidth()).isEqualTo(4);
        assertThat(record.getPixelFormat()).isEqualTo(PixelFormat.BGR24.name());
    }

    @Test
    void packsGreyFramesAtOneBytePerPixel() {
        VideoFrame record = mapper.map(new PaddedFrame(PixelFormat.GRAY8, 4, 2, 64, (byte) 9));
        assertThat(record.getData()).hasSize(8).containsOnly(9);
        assertThat(record.getPixelFormat()).isEqualTo("GRAY8");
    }

    @Test
    void anEmittedFrameGivesItsArrayToTheNextFrameOfTheSameSize() {
        VideoFrame first = emit(new PaddedFrame(4, 2, 16, (byte) 1));
        VideoFrame second = emit(new PaddedFrame(4, 2, 16, (byte) 2));
        emit(new PaddedFrame(8, 2, 32, (byte) 3));

        assertThat(output.arrays.get(1)).isSameAs(output.arrays.get(0));
        assertThat(output.arrays.get(2)).hasSize(48).isNotSameAs(output.arrays.get(0));
        assertThat(output.firstBytes).containsExactly((byte) 1, (byte) 2, (byte) 3);
        // A frame that left the source no longer points at the shared array.
        assertThat(first.getData()).isNull();
        assertThat(second.getData()).isNull();
        assertThat(mapper.pool().reusedCount()).isEqualTo(1);
        assertThat(mapper.pool().allocatedCount()).isEqualTo(2);
    }

    @Test
    void framesNotYetEmittedKeepTheirOwnArrays() {
        VideoFrame first = mapper.map(new PaddedFrame(4, 2, 16, (byte) 1));
        VideoFrame second = mapper.map(new PaddedFrame(4, 2, 16, (byte) 2));
        assertThat(second.getData()).isNotSameAs(first.getData());
        assertThat(first.getData()).containsOnly(1);
    }

    @Test
    void thePoolKeepsNoMoreIdleBytesThanItsLimit() {
        FrameArrayPool pool = new FrameArrayPool(100);
        pool.giveBack(new byte[60]);
        pool.giveBack(new byte[60]);
        assertThat(pool.idleBytes()).isEqualTo(60);
        assertThat(pool.take(60)).hasSize(60);
        assertThat(pool.idleBytes()).isZero();
    }
}
