package io.kvsinfer.connector.kvs.decoder;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FragmentFramingTest {

    private static byte[] box(String type, byte[]... children) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] child : children) {
            body.writeBytes(child);
        }
        return ByteBuffer.allocate(8 + body.size())
                .putInt(8 + body.size())
                .put(type.getBytes(StandardCharsets.US_ASCII))
                .put(body.toByteArray())
                .array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static final byte[] INIT = concat(box("ftyp"), box("moov", box("trak", box("mdia"))));
    private static final byte[] FRAGMENT =
            concat(box("moof", box("traf")), box("mdat", new byte[64]));

    @Test
    void wellFormedBoxesPass() {
        assertThatCode(() -> FragmentFraming.check(false, INIT, FRAGMENT))
                .doesNotThrowAnyException();
        // A 64-bit size, and a last box whose size 0 means "to the end".
        byte[] large =
                ByteBuffer.allocate(24)
                        .putInt(1)
                        .put("mdat".getBytes(StandardCharsets.US_ASCII))
                        .putLong(24)
                        .array();
        byte[] toEnd =
                ByteBuffer.allocate(16)
                        .putInt(0)
                        .put("mdat".getBytes(StandardCharsets.US_ASCII))
                        .array();
        assertThatCode(() -> FragmentFraming.check(false, INIT, concat(box("moof"), large)))
                .doesNotThrowAnyException();
        assertThatCode(() -> FragmentFraming.check(false, INIT, concat(box("moof"), toEnd)))
                .doesNotThrowAnyException();
    }

    /** A track run of {@code count} samples, all taking the track's default size. */
    private static byte[] trun(int count) {
        return box("trun", ByteBuffer.allocate(8).putInt(0).putInt(count).array());
    }

    @Test
    void sampleCountsBeyondWhatTheBytesCanHoldAreRejected() {
        // Found by fuzzing: 80 million samples in a 300-byte trun made FFmpeg index them all.
        byte[] hostile =
                concat(box("moof", box("traf", trun(83_886_110))), box("mdat", new byte[64]));
        assertThatThrownBy(() -> FragmentFraming.check(false, INIT, hostile))
                .isInstanceOf(CorruptFragmentException.class)
                .hasMessage(
                        "MP4 box 'trun' at offset 16 declares 83886110 samples (83886110 in all);"
                                + " allowed at most 104 in 104 bytes");
        byte[] fits = concat(box("moof", box("traf", trun(30))), box("mdat", new byte[64]));
        assertThatCode(() -> FragmentFraming.check(false, INIT, fits)).doesNotThrowAnyException();
        byte[] table =
                box("stsz", ByteBuffer.allocate(12).putInt(0).putInt(1).putInt(200_000).array());
        byte[] init = concat(box("ftyp"), box("moov", box("trak", box("mdia", table))));
        assertThatThrownBy(() -> FragmentFraming.check(false, init, FRAGMENT))
                .hasMessageContaining("declares 200000 samples (200000 in all); allowed at most");
    }

    @Test
    void aChildLargerThanItsParentIsRejected() {
        byte[] moov = box("moov", box("trak"));
        ByteBuffer.wrap(moov).putInt(8, 400);
        assertThatThrownBy(() -> FragmentFraming.check(false, concat(box("ftyp"), moov), FRAGMENT))
                .isInstanceOf(CorruptFragmentException.class)
                .hasMessage(
                        "MP4 box 'trak' at offset 16 claims 400 bytes but 8 remain (truncated?)");
    }

    @Test
    void deepNestingAndMissingBoxesAreRejected() {
        byte[] deep = box("trak");
        for (int i = 0; i < 20; i++) {
            deep = box("trak", deep);
        }
        byte[] init = concat(box("ftyp"), box("moov", deep));
        assertThatThrownBy(() -> FragmentFraming.check(false, init, FRAGMENT))
                .hasMessage("MP4 boxes nested more than 12 deep");
        assertThatThrownBy(() -> FragmentFraming.check(false, INIT, box("mdat")))
                .hasMessage("the fragment has no 'moof' box (boxes: [mdat])");
        assertThatThrownBy(
                        () ->
                                FragmentFraming.check(
                                        false, INIT, new byte[] {0, 0, 0, 8, 'm', 'o', 0x01, 'f'}))
                .hasMessage("MP4 box at offset 0 has no valid type (byte 0x1)");
    }

    @Test
    void transportStreamPacketsMustStartWithTheSyncByte() {
        byte[] ts = new byte[2 * 188];
        ts[0] = 0x47;
        assertThatThrownBy(() -> FragmentFraming.check(true, null, ts))
                .hasMessage("MPEG-TS packet 1 starts with the byte 0x00, not the sync byte 0x47");
        ts[188] = 0x47;
        assertThatCode(() -> FragmentFraming.check(true, null, ts)).doesNotThrowAnyException();
    }
}
