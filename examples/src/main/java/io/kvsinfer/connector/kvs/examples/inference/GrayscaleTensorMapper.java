package io.kvsinfer.connector.kvs.examples.inference;

import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.FrameMapper;

import java.nio.ByteBuffer;

/**
 * A frame mapper for inference: turns each frame into a grayscale tensor of floats in [0, 1] (ITU-R
 * BT.601 luma), row-major, read straight from the decoder's buffer, so the full BGR frame is never
 * copied. Let the source scale first ({@code setOutputSize(224, 224)}): FFmpeg scales faster than
 * Java, and the tensor then has the model's input size.
 */
public final class GrayscaleTensorMapper implements FrameMapper<GrayscaleTensor> {
    private static final long serialVersionUID = 1L;

    @Override
    public GrayscaleTensor map(CameraFrame frame) {
        return new GrayscaleTensor(
                frame.cameraId(),
                frame.timestampMillis(),
                frame.width(),
                frame.height(),
                toGray(frame.pixels(), frame.width(), frame.height(), frame.stride()));
    }

    /** BT.601 luma of packed BGR24 rows ({@code stride} bytes apart), scaled to [0, 1]. */
    public static float[] toGray(ByteBuffer bgr, int width, int height, int stride) {
        float[] gray = new float[width * height];
        for (int y = 0; y < height; y++) {
            int row = y * stride;
            for (int x = 0; x < width; x++) {
                int p = row + 3 * x;
                int b = bgr.get(p) & 0xff;
                int g = bgr.get(p + 1) & 0xff;
                int r = bgr.get(p + 2) & 0xff;
                gray[y * width + x] = (0.114f * b + 0.587f * g + 0.299f * r) / 255f;
            }
        }
        return gray;
    }
}
