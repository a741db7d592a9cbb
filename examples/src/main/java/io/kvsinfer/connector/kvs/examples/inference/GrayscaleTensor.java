package io.kvsinfer.connector.kvs.examples.inference;

/** One frame as a model input: {@code height x width} grayscale values in [0, 1], row-major. */
public class GrayscaleTensor {
    public String cameraId;
    public long timestampMillis;
    public int width;
    public int height;
    public float[] values;

    public GrayscaleTensor() {}

    public GrayscaleTensor(
            String cameraId, long timestampMillis, int width, int height, float[] values) {
        this.cameraId = cameraId;
        this.timestampMillis = timestampMillis;
        this.width = width;
        this.height = height;
        this.values = values;
    }
}
