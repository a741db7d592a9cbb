package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Set;

/**
 * Checks the container structure of a fragment in Java before FFmpeg sees its bytes, so that broken
 * or hostile input is rejected with a clear reason instead of reaching native demuxing. fMP4: every
 * box (down through the container boxes) has a printable four-letter type and a size that fits its
 * parent, nesting and box counts are bounded, the init segment has a {@code moov} and the fragment
 * a {@code moof} and an {@code mdat}, and the samples the sample tables and track runs declare are
 * bounded: FFmpeg indexes every declared sample up front, so a 300-byte {@code trun} claiming 80
 * million samples cost gigabytes and seconds before any limit of ours could act (found by fuzzing).
 * MPEG-TS: whole 188-byte packets, each starting with the sync byte.
 */
@Internal
final class FragmentFraming {

    static final int TS_PACKET_SIZE = 188;
    private static final byte TS_SYNC = 0x47;
    private static final int MAX_DEPTH = 12;
    private static final int MAX_BOXES = 100_000;

    /**
     * Samples one buffer may declare: a 20 s fragment at 240 fps with audio has about 6000; a
     * fragment's samples must moreover fit its bytes, at least one each.
     */
    static final int MAX_SAMPLES = 100_000;

    private static final Set<String> CONTAINERS =
            Set.of(
                    "moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "mvex", "moof", "traf",
                    "udta");

    private FragmentFraming() {}

    static void check(boolean mpegTs, @Nullable byte[] initSegment, byte[] fragment)
            throws CorruptFragmentException {
        if (fragment.length == 0) {
            throw new CorruptFragmentException("the fragment is empty");
        }
        if (mpegTs) {
            checkTransportStream(fragment);
            return;
        }
        if (initSegment == null || initSegment.length == 0) {
            throw new CorruptFragmentException(
                    "an fMP4 fragment cannot be decoded without its init segment");
        }
        requireTopLevel("init segment", new BoxWalk(initSegment).walk(), "moov");
        requireTopLevel("fragment", new BoxWalk(fragment).walk(), "moof", "mdat");
    }

    private static void checkTransportStream(byte[] fragment) throws CorruptFragmentException {
        // HLS TS segments are whole transport packets; anything else was cut short.
        if (fragment.length % TS_PACKET_SIZE != 0) {
            throw new CorruptFragmentException(
                    "the MPEG-TS fragment of "
                            + fragment.length
                            + " bytes is not a whole number of "
                            + TS_PACKET_SIZE
                            + "-byte packets (truncated?)");
        }
        for (int offset = 0; offset < fragment.length; offset += TS_PACKET_SIZE) {
            if (fragment[offset] != TS_SYNC) {
                throw new CorruptFragmentException(
                        "MPEG-TS packet "
                                + offset / TS_PACKET_SIZE
                                + " starts with the byte 0x"
                                + String.format("%02x", fragment[offset] & 0xff)
                                + ", not the sync byte 0x47");
            }
        }
    }

    private static void requireTopLevel(String what, Set<String> found, String... required)
            throws CorruptFragmentException {
        for (String type : required) {
            if (!found.contains(type)) {
                throw new CorruptFragmentException(
                        "the " + what + " has no '" + type + "' box (boxes: " + found + ")");
            }
        }
    }

    /** Walks the box tree of one buffer, collecting the top-level box types. */
    private static final class BoxWalk {
        private final byte[] bytes;
        private final Set<String> topLevel = new java.util.LinkedHashSet<>();
        private int boxes;
        private long samples;

        BoxWalk(byte[] bytes) {
            this.bytes = bytes;
        }

        Set<String> walk() throws CorruptFragmentException {
            walk(0, bytes.length, 0);
            return topLevel;
        }

        private void walk(long from, long to, int depth) throws CorruptFragmentException {
            long offset = from;
            while (offset < to) {
                if (++boxes > MAX_BOXES) {
                    throw new CorruptFragmentException("more than " + MAX_BOXES + " MP4 boxes");
                }
                if (to - offset < 8) {
                    throw new CorruptFragmentException(
                            "MP4 box header at offset "
                                    + offset
                                    + " is cut short ("
                                    + (to - offset)
                                    + " bytes left)");
                }
                long size = readUint32(offset);
                String type = type(offset + 4);
                int header = 8;
                if (size == 1) {
                    if (to - offset < 16) {
                        throw new CorruptFragmentException(
                                "MP4 box '"
                                        + type
                                        + "' at offset "
                                        + offset
                                        + " has a 64-bit size but no room for it");
                    }
                    size = readUint32(offset + 8) << 32 | readUint32(offset + 12);
                    header = 16;
                } else if (size == 0) {
                    size = to - offset;
                }
                if (size < header || size > to - offset) {
                    throw new CorruptFragmentException(
                            "MP4 box '"
                                    + type
                                    + "' at offset "
                                    + offset
                                    + " claims "
                                    + size
                                    + " bytes but "
                                    + (to - offset)
                                    + " remain"
                                    + (size > to - offset ? " (truncated?)" : ""));
                }
                if (depth == 0) {
                    topLevel.add(type);
                }
                countSamples(type, offset, offset + header, offset + size);
                if (CONTAINERS.contains(type)) {
                    if (depth + 1 > MAX_DEPTH) {
                        throw new CorruptFragmentException(
                                "MP4 boxes nested more than " + MAX_DEPTH + " deep");
                    }
                    walk(offset + header, offset + size, depth + 1);
                }
                offset += size;
            }
        }

        /**
         * Adds the samples a track run ({@code trun}) or sample size table ({@code stsz}, {@code
         * stz2}) declares; each is a full box whose count sits after its version and flags (and, in
         * a size table, after the constant size or field size).
         */
        private void countSamples(String type, long offset, long body, long end)
                throws CorruptFragmentException {
            long countAt;
            switch (type) {
                case "trun":
                    countAt = body + 4;
                    break;
                case "stsz":
                case "stz2":
                    countAt = body + 8;
                    break;
                default:
                    return;
            }
            if (end - countAt < 4) {
                throw new CorruptFragmentException(
                        "MP4 box '"
                                + type
                                + "' at offset "
                                + offset
                                + " is too small for its count");
            }
            long declared = readUint32(countAt);
            samples += declared;
            long allowed = type.equals("trun") ? Math.min(MAX_SAMPLES, bytes.length) : MAX_SAMPLES;
            if (samples > allowed) {
                throw new CorruptFragmentException(
                        "MP4 box '"
                                + type
                                + "' at offset "
                                + offset
                                + " declares "
                                + declared
                                + " samples ("
                                + samples
                                + " in all); allowed at most "
                                + allowed
                                + " in "
                                + bytes.length
                                + " bytes");
            }
        }

        private long readUint32(long at) {
            int i = (int) at;
            return (bytes[i] & 0xFFL) << 24
                    | (bytes[i + 1] & 0xFFL) << 16
                    | (bytes[i + 2] & 0xFFL) << 8
                    | (bytes[i + 3] & 0xFFL);
        }

        private String type(long at) throws CorruptFragmentException {
            char[] type = new char[4];
            for (int k = 0; k < 4; k++) {
                int c = bytes[(int) at + k] & 0xFF;
                // ISO BMFF types are four printable characters (a few use a leading 0xA9).
                if ((c < 0x20 || c > 0x7E) && c != 0xA9) {
                    throw new CorruptFragmentException(
                            "MP4 box at offset "
                                    + (at - 4)
                                    + " has no valid type (byte 0x"
                                    + Integer.toHexString(c)
                                    + ")");
                }
                type[k] = (char) c;
            }
            return new String(type);
        }
    }
}
