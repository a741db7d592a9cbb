package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Where the clocks of one MPEG-TS segment live: every PES PTS and DTS and every PCR, found once so
 * that re-timing a copy only rewrites those fields. All clocks move by the same amount (modulo the
 * 33-bit wrap of the 90 kHz clock), so their relations, and with them decodability, are kept.
 */
@Internal
final class TsTiming {

    static final int PACKET_SIZE = 188;
    private static final int SYNC = 0x47;
    static final long WRAP = 1L << 33;

    /** Offsets of 5-byte PTS/DTS fields and of 6-byte PCR fields, with their original values. */
    private final int[] timestampOffsets;

    private final long[] timestampValues;
    private final int[] pcrOffsets;
    private final long[] pcrBases;

    /** The earliest video PTS: the presentation time of the segment's first frame. */
    private final long firstPts;

    private TsTiming(
            int[] tsOffsets, long[] tsValues, int[] pcrOffsets, long[] pcrBases, long firstPts) {
        this.timestampOffsets = tsOffsets;
        this.timestampValues = tsValues;
        this.pcrOffsets = pcrOffsets;
        this.pcrBases = pcrBases;
        this.firstPts = firstPts;
    }

    static TsTiming of(byte[] ts) {
        if (ts.length == 0 || ts.length % PACKET_SIZE != 0) {
            throw new IllegalArgumentException(
                    "an MPEG-TS segment must be whole 188-byte packets, got "
                            + ts.length
                            + " bytes");
        }
        int packets = ts.length / PACKET_SIZE;
        int[] tsOffsets = new int[2 * packets];
        long[] tsValues = new long[2 * packets];
        int[] pcrOffsets = new int[packets];
        long[] pcrBases = new long[packets];
        int nts = 0;
        int npcr = 0;
        long firstPts = Long.MAX_VALUE;
        for (int p = 0; p < ts.length; p += PACKET_SIZE) {
            if ((ts[p] & 0xFF) != SYNC) {
                throw new IllegalArgumentException("no sync byte at packet offset " + p);
            }
            boolean payloadStart = (ts[p + 1] & 0x40) != 0;
            int adaptation = (ts[p + 3] >> 4) & 0x3;
            int payload = p + 4;
            if ((adaptation & 0x2) != 0) {
                int length = ts[p + 4] & 0xFF;
                if (length > PACKET_SIZE - 5) {
                    throw new IllegalArgumentException(
                            "adaptation field too long in packet at " + p);
                }
                if (length >= 7 && (ts[p + 5] & 0x10) != 0) {
                    pcrOffsets[npcr] = p + 6;
                    pcrBases[npcr++] = readPcrBase(ts, p + 6);
                }
                payload = p + 5 + length;
            }
            if (!payloadStart
                    || (adaptation & 0x1) == 0
                    || !isPesStart(ts, payload, p + PACKET_SIZE)) {
                continue;
            }
            int streamId = ts[payload + 3] & 0xFF;
            int ptsDts = (ts[payload + 7] >> 6) & 0x3;
            int field = payload + 9;
            if (ptsDts >= 2) {
                checkInPacket(field + 5, p, "PTS");
                long pts = readTimestamp(ts, field);
                tsOffsets[nts] = field;
                tsValues[nts++] = pts;
                if (streamId >= 0xE0 && streamId <= 0xEF) {
                    firstPts = Math.min(firstPts, unwrapNear(pts, firstPts));
                }
                if (ptsDts == 3) {
                    checkInPacket(field + 10, p, "DTS");
                    tsOffsets[nts] = field + 5;
                    tsValues[nts++] = readTimestamp(ts, field + 5);
                }
            }
        }
        if (firstPts == Long.MAX_VALUE) {
            throw new IllegalArgumentException("the MPEG-TS segment holds no video PES with a PTS");
        }
        return new TsTiming(
                Arrays.copyOf(tsOffsets, nts),
                Arrays.copyOf(tsValues, nts),
                Arrays.copyOf(pcrOffsets, npcr),
                Arrays.copyOf(pcrBases, npcr),
                Math.floorMod(firstPts, WRAP));
    }

    /**
     * Sets the discontinuity indicator on the first packet of each PES stream that has an
     * adaptation field. Each segment is muxed alone, so its continuity counters restart; without
     * the flag a demuxer reading segments back to back (as HLS clients do) marks the first frame of
     * every segment corrupt. Returns how many packets were marked.
     */
    static int markDiscontinuities(byte[] ts) {
        Set<Integer> seen = new HashSet<>();
        int marked = 0;
        for (int p = 0; p + PACKET_SIZE <= ts.length; p += PACKET_SIZE) {
            int pid = ((ts[p + 1] & 0x1F) << 8) | (ts[p + 2] & 0xFF);
            boolean payloadStart = (ts[p + 1] & 0x40) != 0;
            int adaptation = (ts[p + 3] >> 4) & 0x3;
            int payload = (adaptation & 0x2) != 0 ? p + 5 + (ts[p + 4] & 0xFF) : p + 4;
            if (!payloadStart || !isPesStart(ts, payload, p + PACKET_SIZE) || !seen.add(pid)) {
                continue;
            }
            if ((adaptation & 0x2) != 0 && (ts[p + 4] & 0xFF) > 0) {
                ts[p + 5] |= (byte) 0x80;
                marked++;
            }
        }
        return marked;
    }

    /**
     * A copy of {@code ts} whose first frame is presented at {@code startPts} (90 kHz, taken modulo
     * 2^33).
     */
    byte[] retime(byte[] ts, long startPts) {
        long shift = startPts - firstPts;
        byte[] copy = ts.clone();
        for (int i = 0; i < timestampOffsets.length; i++) {
            writeTimestamp(
                    copy, timestampOffsets[i], Math.floorMod(timestampValues[i] + shift, WRAP));
        }
        for (int i = 0; i < pcrOffsets.length; i++) {
            writePcrBase(copy, pcrOffsets[i], Math.floorMod(pcrBases[i] + shift, WRAP));
        }
        return copy;
    }

    long firstPts() {
        return firstPts;
    }

    private static boolean isPesStart(byte[] ts, int pos, int packetEnd) {
        return pos + 9 <= packetEnd
                && ts[pos] == 0
                && ts[pos + 1] == 0
                && ts[pos + 2] == 1
                // Stream ids with the optional PES header that carries PTS/DTS.
                && ((ts[pos + 3] & 0xFF) >= 0xBD)
                && (ts[pos + 3] & 0xFF) != 0xBE
                && (ts[pos + 3] & 0xFF) != 0xBF
                && (ts[pos + 6] & 0xC0) == 0x80;
    }

    private static void checkInPacket(int end, int packet, String what) {
        if (end > packet + PACKET_SIZE) {
            throw new IllegalArgumentException(
                    what + " crosses the end of the packet at " + packet);
        }
    }

    /**
     * The PTS as seen after {@code reference}: lets the minimum ignore one wrap inside a segment.
     */
    private static long unwrapNear(long pts, long reference) {
        if (reference == Long.MAX_VALUE) {
            return pts;
        }
        long diff = pts - Math.floorMod(reference, WRAP);
        if (diff > WRAP / 2) {
            return pts - WRAP;
        }
        if (diff < -WRAP / 2) {
            return pts + WRAP;
        }
        return pts;
    }

    static long readTimestamp(byte[] b, int pos) {
        return ((long) (b[pos] & 0x0E) << 29)
                | ((long) (b[pos + 1] & 0xFF) << 22)
                | ((long) (b[pos + 2] & 0xFE) << 14)
                | ((long) (b[pos + 3] & 0xFF) << 7)
                | ((b[pos + 4] & 0xFF) >>> 1);
    }

    /** Writes a 33-bit timestamp, keeping the 4-bit prefix and the marker bits. */
    static void writeTimestamp(byte[] b, int pos, long value) {
        b[pos] = (byte) ((b[pos] & 0xF1) | ((value >>> 29) & 0x0E));
        b[pos + 1] = (byte) (value >>> 22);
        b[pos + 2] = (byte) (((value >>> 14) & 0xFE) | 0x01);
        b[pos + 3] = (byte) (value >>> 7);
        b[pos + 4] = (byte) (((value << 1) & 0xFE) | 0x01);
    }

    static long readPcrBase(byte[] b, int pos) {
        return ((long) (b[pos] & 0xFF) << 25)
                | ((long) (b[pos + 1] & 0xFF) << 17)
                | ((long) (b[pos + 2] & 0xFF) << 9)
                | ((long) (b[pos + 3] & 0xFF) << 1)
                | ((b[pos + 4] & 0x80) >>> 7);
    }

    /** Writes the 33-bit PCR base, keeping the reserved bits and the 9-bit extension. */
    static void writePcrBase(byte[] b, int pos, long base) {
        b[pos] = (byte) (base >>> 25);
        b[pos + 1] = (byte) (base >>> 17);
        b[pos + 2] = (byte) (base >>> 9);
        b[pos + 3] = (byte) (base >>> 1);
        b[pos + 4] = (byte) ((b[pos + 4] & 0x7F) | ((base & 1) << 7));
    }
}
