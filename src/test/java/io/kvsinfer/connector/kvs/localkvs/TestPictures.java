package io.kvsinfer.connector.kvs.localkvs;

import java.util.Random;

/** Pictures for tests: busy BGR24 backgrounds and a plain bilinear scaler. */
public final class TestPictures {

    private TestPictures() {}

    /**
     * A busy picture (gradients plus noise) so that the code must stand out from its surroundings.
     */
    public static byte[] busy(int width, int height, long seed) {
        Random random = new Random(seed);
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                bgr[p] = (byte) (x * 255 / width + random.nextInt(32));
                bgr[p + 1] = (byte) (y * 255 / height + random.nextInt(32));
                bgr[p + 2] = (byte) ((x + y) * 2 + random.nextInt(32));
            }
        }
        return bgr;
    }

    /** Bilinear scaling of a tightly packed BGR24 picture, as a consumer might do it. */
    public static byte[] scale(byte[] src, int width, int height, int newWidth, int newHeight) {
        byte[] dst = new byte[newWidth * newHeight * 3];
        for (int y = 0; y < newHeight; y++) {
            double sy = Math.max(0, (y + 0.5) * height / newHeight - 0.5);
            int y0 = Math.min((int) sy, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            double fy = sy - y0;
            for (int x = 0; x < newWidth; x++) {
                double sx = Math.max(0, (x + 0.5) * width / newWidth - 0.5);
                int x0 = Math.min((int) sx, width - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                double fx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    double v =
                            (1 - fy)
                                            * ((1 - fx) * at(src, width, x0, y0, c)
                                                    + fx * at(src, width, x1, y0, c))
                                    + fy
                                            * ((1 - fx) * at(src, width, x0, y1, c)
                                                    + fx * at(src, width, x1, y1, c));
                    dst[(y * newWidth + x) * 3 + c] = (byte) Math.round(v);
                }
            }
        }
        return dst;
    }

    private static int at(byte[] bgr, int width, int x, int y, int c) {
        return bgr[(y * width + x) * 3 + c] & 0xFF;
    }
}
