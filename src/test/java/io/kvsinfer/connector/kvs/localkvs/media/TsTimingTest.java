package io.kvsinfer.connector.kvs.localkvs.media;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TsTimingTest {

    private static final long WRAP = 1L << 33;

    @Test
    void timestampFieldsRoundTripAndKeepPrefixAndMarkers() {
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            long value = Math.floorMod(random.nextLong(), WRAP);
            byte[] field = {0x31, 0, 1, 0, 1};
            TsTiming.writeTimestamp(field, 0, value);
            assertThat(TsTiming.readTimestamp(field, 0)).isEqualTo(value);
            assertThat(field[0] & 0xF1).isEqualTo(0x31);
            assertThat(field[2] & 1).isEqualTo(1);
            assertThat(field[4] & 1).isEqualTo(1);

            byte[] pcr = {0, 0, 0, 0, 0x7E | 0x01, (byte) 0xAB};
            TsTiming.writePcrBase(pcr, 0, value);
            assertThat(TsTiming.readPcrBase(pcr, 0)).isEqualTo(value);
            assertThat(pcr[4] & 0x7F).isEqualTo(0x7F);
            assertThat(pcr[5] & 0xFF).isEqualTo(0xAB);
        }
    }

    @Test
    void retimesPtsDtsAndPcrTogetherAcrossTheWrap() {
        long pts = 126_000; // 1.4 s, as FFmpeg's muxer starts
        long dts = 120_000;
        long pcr = 117_000;
        byte[] ts = packet(pts, dts, pcr);
        TsTiming timing = TsTiming.of(ts);
        assertThat(timing.firstPts()).isEqualTo(pts);

        long start = WRAP - 3000; // wraps between the first PTS and a later one
        byte[] moved = timing.retime(ts, start);
        TsTiming again = TsTiming.of(moved);
        assertThat(again.firstPts()).isEqualTo(start);
        assertThat(TsTiming.readTimestamp(moved, 4 + 8 + 9 + 5))
                .isEqualTo(Math.floorMod(start + dts - pts, WRAP));
        assertThat(TsTiming.readPcrBase(moved, 6))
                .isEqualTo(Math.floorMod(start + pcr - pts, WRAP));
        assertThat(timing.retime(ts, pts)).isEqualTo(ts);
        // The original is untouched.
        assertThat(TsTiming.of(ts).firstPts()).isEqualTo(pts);
    }

    @Test
    void marksTheFirstPacketOfEachStream() {
        byte[] ts = packet(1, 1, 1);
        assertThat(ts[5] & 0x80).isZero();
        assertThat(TsTiming.markDiscontinuities(ts)).isEqualTo(1);
        assertThat(ts[5] & 0x80).isEqualTo(0x80);
    }

    @Test
    void rejectsMalformedSegments() {
        assertThatThrownBy(() -> TsTiming.of(new byte[100]))
                .hasMessageContaining("whole 188-byte packets, got 100");
        assertThatThrownBy(() -> TsTiming.of(new byte[188]))
                .hasMessage("no sync byte at packet offset 0");
        byte[] noVideo = new byte[188];
        noVideo[0] = 0x47;
        noVideo[3] = 0x10;
        assertThatThrownBy(() -> TsTiming.of(noVideo))
                .hasMessageContaining("no video PES with a PTS");
    }

    /**
     * One TS packet on PID 0x100: an adaptation field with a PCR, then the start of a video PES
     * whose header has a PTS and a DTS.
     */
    private static byte[] packet(long pts, long dts, long pcr) {
        byte[] p = new byte[188];
        p[0] = 0x47;
        p[1] = 0x41; // payload unit start, PID high bits
        p[2] = 0x00;
        p[3] = 0x30; // adaptation + payload
        p[4] = 7; // adaptation length
        p[5] = 0x10; // PCR flag
        TsTiming.writePcrBase(p, 6, pcr);
        int pes = 4 + 1 + 7;
        p[pes + 2] = 1;
        p[pes + 3] = (byte) 0xE0;
        p[pes + 6] = (byte) 0x80;
        p[pes + 7] = (byte) 0xC0; // PTS and DTS
        p[pes + 8] = 10;
        p[pes + 9] = 0x31;
        TsTiming.writeTimestamp(p, pes + 9, pts);
        p[pes + 14] = 0x11;
        TsTiming.writeTimestamp(p, pes + 14, dts);
        return p;
    }
}
