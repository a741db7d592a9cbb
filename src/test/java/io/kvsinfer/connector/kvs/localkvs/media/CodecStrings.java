package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * Derives the codec strings that KVS reports (Matroska codec id) and HLS needs (RFC 6381) from the
 * decoder configuration record in an fMP4 init segment ({@code avcC} or {@code hvcC}).
 */
@Internal
final class CodecStrings {

    static final String AVC = "V_MPEG/ISO/AVC";
    static final String HEVC = "V_MPEG/ISO/HEVC";

    /** Size of a VisualSampleEntry's fixed fields, after the box header. */
    private static final int VISUAL_SAMPLE_ENTRY_FIELDS = 78;

    record Codec(String codecId, String hlsCodecs) {}

    private CodecStrings() {}

    static Codec fromInit(byte[] init) {
        IsoBoxes.Box moov = null;
        for (IsoBoxes.Box box : IsoBoxes.children(init, 0, init.length)) {
            if (box.type().equals("moov")) {
                moov = box;
            }
        }
        if (moov == null) {
            throw new IllegalArgumentException("the init segment holds no 'moov'");
        }
        IsoBoxes.Box stsd = IsoBoxes.path(init, moov, "trak/mdia/minf/stbl/stsd");
        // stsd: version/flags, entry_count, then the sample entries.
        List<IsoBoxes.Box> entries = IsoBoxes.children(init, stsd.payload() + 8, stsd.end());
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("stsd holds no sample entry");
        }
        IsoBoxes.Box entry = entries.get(0);
        List<IsoBoxes.Box> configs =
                IsoBoxes.children(init, entry.payload() + VISUAL_SAMPLE_ENTRY_FIELDS, entry.end());
        for (IsoBoxes.Box config : configs) {
            if (config.type().equals("avcC")) {
                return new Codec(AVC, avc(init, entry.type(), config));
            }
            if (config.type().equals("hvcC")) {
                return new Codec(HEVC, hevc(init, entry.type(), config));
            }
        }
        throw new IllegalArgumentException(
                "sample entry '" + entry.type() + "' holds neither avcC nor hvcC");
    }

    /** {@code avc1.PPCCLL}: profile, constraint flags and level from the avcC record. */
    private static String avc(byte[] init, String entryType, IsoBoxes.Box avcC) {
        int p = avcC.payload();
        IsoBoxes.checkRange(init, p, 4);
        if (avcC.end() - p < 4) {
            throw new IllegalArgumentException("avcC is too short");
        }
        return String.format(
                "%s.%02x%02x%02x",
                entryType, init[p + 1] & 0xFF, init[p + 2] & 0xFF, init[p + 3] & 0xFF);
    }

    /**
     * {@code hvc1.[space]profile.compat.Tlevel.constraints} as in ISO/IEC 14496-15 annex E: the
     * compatibility flags bit-reversed in hex, the constraint bytes with trailing zero bytes
     * dropped.
     */
    private static String hevc(byte[] init, String entryType, IsoBoxes.Box hvcC) {
        int p = hvcC.payload();
        if (hvcC.end() - p < 13) {
            throw new IllegalArgumentException("hvcC is too short");
        }
        int b = init[p + 1] & 0xFF;
        int space = b >> 6;
        boolean highTier = (b & 0x20) != 0;
        int profile = b & 0x1F;
        long compat = IsoBoxes.u32(init, p + 2);
        long reversed = Long.reverse(compat) >>> 32;
        int level = init[p + 12] & 0xFF;
        StringBuilder sb = new StringBuilder(entryType).append('.');
        if (space > 0) {
            sb.append((char) ('A' + space - 1));
        }
        sb.append(profile).append('.').append(Long.toHexString(reversed).toUpperCase());
        sb.append('.').append(highTier ? 'H' : 'L').append(level);
        int last = 5;
        while (last >= 0 && init[p + 6 + last] == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            sb.append('.').append(String.format("%02X", init[p + 6 + i] & 0xFF));
        }
        return sb.toString();
    }
}
