package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ISO-BMFF (MP4) box headers with strict bounds: every size is checked against its parent, so
 * malformed input fails with a clear message instead of reading out of range.
 */
@Internal
final class IsoBoxes {

    /**
     * A box occupying {@code [start, end)} of its buffer; its payload starts at {@code payload}.
     */
    record Box(String type, int start, int payload, int end) {
        int size() {
            return end - start;
        }
    }

    private IsoBoxes() {}

    /** The boxes that tile {@code [from, to)} of {@code data}, in order. */
    static List<Box> children(byte[] data, int from, int to) {
        if (from < 0 || to > data.length || from > to) {
            throw new IllegalArgumentException(
                    "range ["
                            + from
                            + ", "
                            + to
                            + ") is outside the "
                            + data.length
                            + " bytes given");
        }
        List<Box> boxes = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            Box box = readHeader(data, pos, to);
            boxes.add(box);
            pos = box.end();
        }
        return boxes;
    }

    /** The children of a container box. */
    static List<Box> children(byte[] data, Box parent) {
        return children(data, parent.payload(), parent.end());
    }

    /** The only child of {@code parent} with the given type; fails if there is none or several. */
    static Box single(byte[] data, Box parent, String type) {
        Box found = null;
        for (Box child : children(data, parent)) {
            if (child.type().equals(type)) {
                if (found != null) {
                    throw new IllegalArgumentException(
                            "box '"
                                    + parent.type()
                                    + "' at "
                                    + parent.start()
                                    + " holds more than one '"
                                    + type
                                    + "'");
                }
                found = child;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(
                    "box '"
                            + parent.type()
                            + "' at "
                            + parent.start()
                            + " holds no '"
                            + type
                            + "'");
        }
        return found;
    }

    /** Follows a path of single children, for example {@code trak/mdia/mdhd}. */
    static Box path(byte[] data, Box root, String path) {
        Box box = root;
        for (String type : path.split("/")) {
            box = single(data, box, type);
        }
        return box;
    }

    private static Box readHeader(byte[] data, int pos, int limit) {
        if (limit - pos < 8) {
            throw new IllegalArgumentException(
                    "truncated box header at "
                            + pos
                            + ": "
                            + (limit - pos)
                            + " bytes left, 8 needed");
        }
        long size = u32(data, pos);
        String type = type(data, pos + 4);
        int header = 8;
        if (size == 1) {
            if (limit - pos < 16) {
                throw new IllegalArgumentException(
                        "truncated 64-bit size of box '" + type + "' at " + pos);
            }
            size = u64(data, pos + 8);
            header = 16;
        } else if (size == 0) {
            // Size 0 means "to the end of the enclosing space".
            size = limit - pos;
        }
        if (size < header || size > limit - pos) {
            throw new IllegalArgumentException(
                    "box '"
                            + type
                            + "' at "
                            + pos
                            + " has size "
                            + size
                            + " but only "
                            + (limit - pos)
                            + " bytes are available (and at least "
                            + header
                            + " are needed)");
        }
        return new Box(type, pos, pos + header, (int) (pos + size));
    }

    static long u32(byte[] data, int pos) {
        checkRange(data, pos, 4);
        return ((data[pos] & 0xFFL) << 24)
                | ((data[pos + 1] & 0xFFL) << 16)
                | ((data[pos + 2] & 0xFFL) << 8)
                | (data[pos + 3] & 0xFFL);
    }

    static long u64(byte[] data, int pos) {
        return (u32(data, pos) << 32) | u32(data, pos + 4);
    }

    static void putU32(byte[] data, int pos, long value) {
        checkRange(data, pos, 4);
        data[pos] = (byte) (value >>> 24);
        data[pos + 1] = (byte) (value >>> 16);
        data[pos + 2] = (byte) (value >>> 8);
        data[pos + 3] = (byte) value;
    }

    static void putU64(byte[] data, int pos, long value) {
        putU32(data, pos, value >>> 32);
        putU32(data, pos + 4, value);
    }

    static void checkRange(byte[] data, int pos, int length) {
        if (pos < 0 || pos > data.length - length) {
            throw new IllegalArgumentException(
                    "field of "
                            + length
                            + " bytes at "
                            + pos
                            + " is outside the "
                            + data.length
                            + " bytes given");
        }
    }

    private static String type(byte[] data, int pos) {
        StringBuilder sb = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = data[pos + i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }

    /** The four bytes of a box type, for writing. */
    static byte[] typeBytes(String type) {
        return type.getBytes(StandardCharsets.US_ASCII);
    }
}
