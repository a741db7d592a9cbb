package io.kvsinfer.connector.kvs.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only log of frame keys in columns of primitives (18 bytes a frame instead of about 80
 * as objects), so that an hour-long soak can keep every committed frame without its own heap growth
 * hiding a leak in the source. Not thread-safe.
 */
final class FrameKeyLog {
    private static final int BYTES_PER_FRAME =
            Short.BYTES + Long.BYTES + Integer.BYTES + 2 * Short.BYTES;

    private final List<String> cameras = new ArrayList<>();
    private final Map<String, Short> cameraOrdinals = new HashMap<>();
    private short[] camera = new short[1024];
    private long[] timestampMillis = new long[1024];
    private int[] pixelIndex = new int[1024];
    private short[] width = new short[1024];
    private short[] height = new short[1024];
    private int size;

    void append(FrameKey frame) {
        if (size == camera.length) {
            int capacity = 2 * size;
            camera = Arrays.copyOf(camera, capacity);
            timestampMillis = Arrays.copyOf(timestampMillis, capacity);
            pixelIndex = Arrays.copyOf(pixelIndex, capacity);
            width = Arrays.copyOf(width, capacity);
            height = Arrays.copyOf(height, capacity);
        }
        camera[size] =
                cameraOrdinals.computeIfAbsent(
                        frame.cameraId,
                        id -> {
                            cameras.add(id);
                            return (short) (cameras.size() - 1);
                        });
        timestampMillis[size] = frame.timestampMillis;
        pixelIndex[size] = frame.pixelIndex;
        width[size] = (short) frame.width;
        height[size] = (short) frame.height;
        size++;
    }

    int size() {
        return size;
    }

    /** Bytes of heap the log holds, including unused capacity. */
    long retainedBytes() {
        return (long) camera.length * BYTES_PER_FRAME;
    }

    List<FrameKey> toList() {
        List<FrameKey> frames = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            frames.add(
                    new FrameKey(
                            cameras.get(camera[i]),
                            timestampMillis[i],
                            pixelIndex[i],
                            width[i],
                            height[i]));
        }
        return frames;
    }
}
