package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import java.util.List;

import static io.kvsinfer.connector.kvs.localkvs.media.IsoBoxes.u32;

/**
 * Where the times of one fMP4 media fragment ({@code moof} + {@code mdat}) live, found once so that
 * re-timing a copy is two fixed-offset writes: {@code mfhd.sequence_number} and the 64-bit {@code
 * tfdt.baseMediaDecodeTime}. Composition offsets in {@code trun} stay as they are, since they are
 * relative to the decode times.
 */
@Internal
final class Mp4FragmentTiming {

    private static final int TRUN_DATA_OFFSET = 0x000001;
    private static final int TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
    private static final int TRUN_DURATION = 0x000100;
    private static final int TRUN_SIZE = 0x000200;
    private static final int TRUN_FLAGS = 0x000400;
    private static final int TRUN_CTO = 0x000800;

    private static final int TFHD_BASE_DATA_OFFSET = 0x000001;
    private static final int TFHD_SAMPLE_DESCRIPTION = 0x000002;
    private static final int TFHD_DEFAULT_DURATION = 0x000008;

    private final int sequenceOffset;
    private final int decodeTimeOffset;
    private final long originalDecodeTime;
    private final int sampleCount;
    private final long durationTicks;

    /**
     * Presentation time of the earliest presented sample, relative to the fragment's decode base.
     */
    private final long firstPresentationOffset;

    private Mp4FragmentTiming(
            int sequenceOffset,
            int decodeTimeOffset,
            long originalDecodeTime,
            int sampleCount,
            long durationTicks,
            long firstPresentationOffset) {
        this.sequenceOffset = sequenceOffset;
        this.decodeTimeOffset = decodeTimeOffset;
        this.originalDecodeTime = originalDecodeTime;
        this.sampleCount = sampleCount;
        this.durationTicks = durationTicks;
        this.firstPresentationOffset = firstPresentationOffset;
    }

    /**
     * Reads the timing of a fragment that holds exactly one {@code moof} (one track) and its {@code
     * mdat}.
     */
    static Mp4FragmentTiming of(byte[] fragment) {
        List<IsoBoxes.Box> top = IsoBoxes.children(fragment, 0, fragment.length);
        if (top.isEmpty() || !top.get(0).type().equals("moof")) {
            throw new IllegalArgumentException("a media fragment must start with 'moof'");
        }
        IsoBoxes.Box moof = top.get(0);
        IsoBoxes.Box mfhd = IsoBoxes.single(fragment, moof, "mfhd");
        IsoBoxes.Box traf = IsoBoxes.single(fragment, moof, "traf");
        IsoBoxes.Box tfhd = IsoBoxes.single(fragment, traf, "tfhd");
        IsoBoxes.Box tfdt = IsoBoxes.single(fragment, traf, "tfdt");
        checkFits(mfhd, 8);
        checkFits(tfhd, 8);
        checkFits(tfdt, 12);
        if (fragment[tfdt.payload()] != 1) {
            // FFmpeg's muxer always writes version 1; a 32-bit base cannot hold epoch times.
            throw new IllegalArgumentException(
                    "tfdt version is " + fragment[tfdt.payload()] + " but 1 (64-bit) is required");
        }
        long defaultDuration = tfhdDefaultDuration(fragment, tfhd);

        int samples = 0;
        long decode = 0;
        long minPresentation = Long.MAX_VALUE;
        for (IsoBoxes.Box trun : IsoBoxes.children(fragment, traf)) {
            if (!trun.type().equals("trun")) {
                continue;
            }
            checkFits(trun, 8);
            int version = fragment[trun.payload()] & 0xFF;
            int flags = (int) (u32(fragment, trun.payload()) & 0xFFFFFF);
            long count = u32(fragment, trun.payload() + 4);
            int pos = trun.payload() + 8;
            pos += (flags & TRUN_DATA_OFFSET) != 0 ? 4 : 0;
            pos += (flags & TRUN_FIRST_SAMPLE_FLAGS) != 0 ? 4 : 0;
            int perSample =
                    4
                            * Integer.bitCount(
                                    flags & (TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | TRUN_CTO));
            if (count < 0 || count * perSample > trun.end() - pos) {
                throw new IllegalArgumentException(
                        "trun at "
                                + trun.start()
                                + " claims "
                                + count
                                + " samples that do not fit in its "
                                + trun.size()
                                + " bytes");
            }
            for (long s = 0; s < count; s++) {
                long duration = defaultDuration;
                long cto = 0;
                if ((flags & TRUN_DURATION) != 0) {
                    duration = u32(fragment, pos);
                    pos += 4;
                }
                pos += (flags & TRUN_SIZE) != 0 ? 4 : 0;
                pos += (flags & TRUN_FLAGS) != 0 ? 4 : 0;
                if ((flags & TRUN_CTO) != 0) {
                    long raw = u32(fragment, pos);
                    cto = version == 0 ? raw : (int) raw;
                    pos += 4;
                }
                if (duration < 0) {
                    throw new IllegalArgumentException("sample " + samples + " has no duration");
                }
                minPresentation = Math.min(minPresentation, decode + cto);
                decode += duration;
                samples++;
            }
        }
        if (samples == 0) {
            throw new IllegalArgumentException("the fragment holds no samples");
        }
        return new Mp4FragmentTiming(
                mfhd.payload() + 4,
                tfdt.payload() + 4,
                IsoBoxes.u64(fragment, tfdt.payload() + 4),
                samples,
                decode,
                minPresentation);
    }

    /** Default sample duration from {@code tfhd}, or -1 when every sample must carry its own. */
    private static long tfhdDefaultDuration(byte[] fragment, IsoBoxes.Box tfhd) {
        int flags = (int) (u32(fragment, tfhd.payload()) & 0xFFFFFF);
        int pos = tfhd.payload() + 8; // version/flags, track_ID
        pos += (flags & TFHD_BASE_DATA_OFFSET) != 0 ? 8 : 0;
        pos += (flags & TFHD_SAMPLE_DESCRIPTION) != 0 ? 4 : 0;
        if ((flags & TFHD_DEFAULT_DURATION) == 0) {
            return -1;
        }
        if (pos + 4 > tfhd.end()) {
            throw new IllegalArgumentException(
                    "tfhd at " + tfhd.start() + " is too short for its flags");
        }
        return u32(fragment, pos);
    }

    private static void checkFits(IsoBoxes.Box box, int payloadBytes) {
        if (box.end() - box.payload() < payloadBytes) {
            throw new IllegalArgumentException(
                    "box '"
                            + box.type()
                            + "' at "
                            + box.start()
                            + " has "
                            + (box.end() - box.payload())
                            + " payload bytes, at least "
                            + payloadBytes
                            + " needed");
        }
    }

    /**
     * A copy of {@code fragment} whose earliest presented sample is at {@code startTicks} and whose
     * {@code mfhd} carries {@code sequenceNumber} (kept modulo 2^32, the field's width).
     */
    byte[] retime(byte[] fragment, long startTicks, long sequenceNumber) {
        long decodeBase = startTicks - firstPresentationOffset;
        if (decodeBase < 0) {
            throw new IllegalArgumentException(
                    "start "
                            + startTicks
                            + " ticks is before the fragment's composition offset of "
                            + firstPresentationOffset
                            + " ticks");
        }
        byte[] copy = fragment.clone();
        IsoBoxes.putU32(copy, sequenceOffset, sequenceNumber & 0xFFFFFFFFL);
        IsoBoxes.putU64(copy, decodeTimeOffset, decodeBase);
        return copy;
    }

    long originalDecodeTime() {
        return originalDecodeTime;
    }

    int sampleCount() {
        return sampleCount;
    }

    long durationTicks() {
        return durationTicks;
    }

    long firstPresentationOffset() {
        return firstPresentationOffset;
    }
}
