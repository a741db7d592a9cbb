package io.kvsinfer.connector.kvs.localkvs;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * A 32-bit value drawn into a BGR24 picture as large black and white cells, so that a consumer can
 * tell from the pixels alone which frame it holds, even after lossy H.264/H.265 coding and scaling.
 *
 * <p>Layout: a band across the top quarter of the picture, split into {@value #COLUMNS} columns and
 * {@value #ROWS} rows of cells. Column 0 and the last column hold fixed marker cells (known black
 * and known white) from which the reader derives its threshold; the other 42 cells carry 32 value
 * bits, a CRC-8 of the value and two fixed bits. Geometry is relative to the picture size, so the
 * code reads the same after any scaling, down to 160x120 pixels.
 *
 * <p>The reader samples only the middle half of each cell (edges blur under scaling and coding) and
 * answers "no code" unless the markers contrast, every cell is clearly black or white and the check
 * bits agree, so random pictures are rejected.
 */
@PublicEvolving
public final class FrameIndexCode {

    static final int COLUMNS = 16;
    static final int ROWS = 3;

    /** The band takes {@code height / BAND_DIVISOR} rows at the top of the picture. */
    static final int BAND_DIVISOR = 4;

    /** Smallest picture the code is drawn into (3 pixels per cell at least). */
    public static final int MIN_WIDTH = 3 * COLUMNS;

    public static final int MIN_HEIGHT = 3 * ROWS * BAND_DIVISOR;

    /** Marker cells: column 0 is white, black, white; the last column is black, white, black. */
    private static final boolean[] LEFT_MARKERS = {true, false, true};

    private static final boolean[] RIGHT_MARKERS = {false, true, false};

    private static final int DATA_CELLS = ROWS * (COLUMNS - 2);
    private static final int VALUE_BITS = 32;
    private static final int CRC_BITS = 8;

    /** The last two data cells are always white then black. */
    private static final boolean[] TAIL_BITS = {true, false};

    /** Markers must differ by at least this much luminance (0-255) for a code to be read. */
    private static final int MIN_CONTRAST = 64;

    /** Samples per cell axis; bounds the read cost on large pictures. */
    private static final int SAMPLES_PER_AXIS = 6;

    private FrameIndexCode() {}

    /** Draws {@code value} into the top band of a BGR24 picture, overwriting those pixels. */
    public static void stamp(byte[] bgr, int width, int height, int stride, int value) {
        checkGeometry(
                bgr == null ? -1 : bgr.length, 3, width, height, stride, MIN_WIDTH, MIN_HEIGHT);
        boolean[] bits = encodeBits(value);
        for (int row = 0; row < ROWS; row++) {
            for (int col = 0; col < COLUMNS; col++) {
                boolean white = cellColour(bits, row, col);
                fillCell(bgr, width, height, stride, row, col, white ? (byte) 255 : (byte) 0);
            }
        }
    }

    /** Reads the value from a BGR24 picture, or empty if the picture carries no readable code. */
    public static OptionalInt read(byte[] bgr, int width, int height, int stride) {
        checkGeometry(
                bgr == null ? -1 : bgr.length,
                3,
                width,
                height,
                stride,
                COLUMNS,
                ROWS * BAND_DIVISOR);
        return read(i -> bgr[i] & 0xFF, 3, width, height, stride);
    }

    /**
     * Reads the value from a BGR24 picture held in a buffer (for example {@code Frame.image[0]}),
     * starting at the buffer's position; the buffer's position is not changed.
     */
    public static OptionalInt read(ByteBuffer bgr, int width, int height, int stride) {
        return read(bgr, 3, width, height, stride);
    }

    /**
     * Reads the value from a picture held in a buffer, starting at the buffer's position, which is
     * not changed: {@code bytesPerPixel} 3 for BGR or RGB (either order), 1 for luma only.
     */
    public static OptionalInt read(
            ByteBuffer pixels, int bytesPerPixel, int width, int height, int stride) {
        Preconditions.checkNotNull(pixels, "pixels must not be null");
        Preconditions.checkArgument(
                bytesPerPixel == 1 || bytesPerPixel == 3,
                "bytesPerPixel is %s but must be 1 (grey) or 3 (BGR or RGB)",
                bytesPerPixel);
        int base = pixels.position();
        checkGeometry(
                pixels.limit() - base,
                bytesPerPixel,
                width,
                height,
                stride,
                COLUMNS,
                ROWS * BAND_DIVISOR);
        return read(i -> pixels.get(base + i) & 0xFF, bytesPerPixel, width, height, stride);
    }

    private interface Pixels {
        int at(int index);
    }

    private static OptionalInt read(
            Pixels px, int bytesPerPixel, int width, int height, int stride) {
        int[][] lum = new int[ROWS][COLUMNS];
        for (int row = 0; row < ROWS; row++) {
            for (int col = 0; col < COLUMNS; col++) {
                lum[row][col] = cellLuminance(px, bytesPerPixel, width, height, stride, row, col);
            }
        }
        int whiteMin = 255;
        int blackMax = 0;
        for (int row = 0; row < ROWS; row++) {
            int left = lum[row][0];
            int right = lum[row][COLUMNS - 1];
            if (LEFT_MARKERS[row]) {
                whiteMin = Math.min(whiteMin, left);
                blackMax = Math.max(blackMax, right);
            } else {
                blackMax = Math.max(blackMax, left);
                whiteMin = Math.min(whiteMin, right);
            }
        }
        int contrast = whiteMin - blackMax;
        if (contrast < MIN_CONTRAST) {
            return OptionalInt.empty();
        }
        int threshold = (whiteMin + blackMax) / 2;
        // Cells near the threshold mean a picture without a code (or a ruined one): refuse them
        // rather than guess, so that a wrong index is never reported.
        int margin = contrast / 4;
        boolean[] bits = new boolean[DATA_CELLS];
        int i = 0;
        for (int row = 0; row < ROWS; row++) {
            for (int col = 1; col < COLUMNS - 1; col++) {
                int l = lum[row][col];
                if (Math.abs(l - threshold) < margin) {
                    return OptionalInt.empty();
                }
                bits[i++] = l > threshold;
            }
        }
        return decodeBits(bits);
    }

    private static int cellLuminance(
            Pixels px, int bytesPerPixel, int width, int height, int stride, int row, int col) {
        int x0 = col * width / COLUMNS;
        int x1 = (col + 1) * width / COLUMNS;
        int bandHeight = height / BAND_DIVISOR;
        int y0 = row * bandHeight / ROWS;
        int y1 = (row + 1) * bandHeight / ROWS;
        // The middle half of the cell; at least one pixel.
        int cx0 = x0 + (x1 - x0) / 4;
        int cx1 = Math.max(cx0 + 1, x1 - (x1 - x0) / 4);
        int cy0 = y0 + (y1 - y0) / 4;
        int cy1 = Math.max(cy0 + 1, y1 - (y1 - y0) / 4);
        int stepX = Math.max(1, (cx1 - cx0) / SAMPLES_PER_AXIS);
        int stepY = Math.max(1, (cy1 - cy0) / SAMPLES_PER_AXIS);
        long sum = 0;
        int n = 0;
        for (int y = cy0; y < cy1; y += stepY) {
            int rowStart = y * stride;
            for (int x = cx0; x < cx1; x += stepX) {
                int p = rowStart + bytesPerPixel * x;
                // BGR or RGB: weights close to luma, cheap integer arithmetic; grey is luma.
                sum +=
                        bytesPerPixel == 1
                                ? 4 * px.at(p)
                                : px.at(p) + 2 * px.at(p + 1) + px.at(p + 2);
                n++;
            }
        }
        return (int) (sum / (4L * n));
    }

    private static void fillCell(
            byte[] bgr, int width, int height, int stride, int row, int col, byte v) {
        int x0 = col * width / COLUMNS;
        int x1 = (col + 1) * width / COLUMNS;
        int bandHeight = height / BAND_DIVISOR;
        int y0 = row * bandHeight / ROWS;
        int y1 = (row + 1) * bandHeight / ROWS;
        for (int y = y0; y < y1; y++) {
            Arrays.fill(bgr, y * stride + 3 * x0, y * stride + 3 * x1, v);
        }
    }

    private static boolean cellColour(boolean[] bits, int row, int col) {
        if (col == 0) {
            return LEFT_MARKERS[row];
        }
        if (col == COLUMNS - 1) {
            return RIGHT_MARKERS[row];
        }
        return bits[row * (COLUMNS - 2) + col - 1];
    }

    static boolean[] encodeBits(int value) {
        boolean[] bits = new boolean[DATA_CELLS];
        for (int b = 0; b < VALUE_BITS; b++) {
            bits[b] = ((value >>> (VALUE_BITS - 1 - b)) & 1) != 0;
        }
        int crc = crc8(value);
        for (int b = 0; b < CRC_BITS; b++) {
            bits[VALUE_BITS + b] = ((crc >>> (CRC_BITS - 1 - b)) & 1) != 0;
        }
        System.arraycopy(TAIL_BITS, 0, bits, VALUE_BITS + CRC_BITS, TAIL_BITS.length);
        return bits;
    }

    static OptionalInt decodeBits(boolean[] bits) {
        for (int t = 0; t < TAIL_BITS.length; t++) {
            if (bits[VALUE_BITS + CRC_BITS + t] != TAIL_BITS[t]) {
                return OptionalInt.empty();
            }
        }
        int value = 0;
        for (int b = 0; b < VALUE_BITS; b++) {
            value = (value << 1) | (bits[b] ? 1 : 0);
        }
        int crc = 0;
        for (int b = 0; b < CRC_BITS; b++) {
            crc = (crc << 1) | (bits[VALUE_BITS + b] ? 1 : 0);
        }
        return crc == crc8(value) ? OptionalInt.of(value) : OptionalInt.empty();
    }

    /** CRC-8 (polynomial 0x07) over the value's four bytes, big-endian, starting from 0xFF. */
    static int crc8(int value) {
        int crc = 0xFF;
        for (int shift = 24; shift >= 0; shift -= 8) {
            crc ^= (value >>> shift) & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }
        return crc;
    }

    private static void checkGeometry(
            int available,
            int bytesPerPixel,
            int width,
            int height,
            int stride,
            int minWidth,
            int minHeight) {
        Preconditions.checkArgument(available >= 0, "the picture must not be null");
        int rowBytes = bytesPerPixel * width;
        Preconditions.checkArgument(
                width >= minWidth, "width is %s but must be at least %s", width, minWidth);
        Preconditions.checkArgument(
                height >= minHeight, "height is %s but must be at least %s", height, minHeight);
        Preconditions.checkArgument(
                stride >= rowBytes,
                "stride is %s but must be at least %s bytes per pixel * width = %s",
                stride,
                bytesPerPixel,
                rowBytes);
        // Only the band is touched, so only the band's rows need to be present.
        long needed = (long) stride * (height / BAND_DIVISOR - 1) + rowBytes;
        Preconditions.checkArgument(
                available >= needed,
                "the picture holds %s bytes but a %sx%s picture with stride %s needs at least %s"
                        + " for the code band",
                available,
                width,
                height,
                stride,
                needed);
    }
}
