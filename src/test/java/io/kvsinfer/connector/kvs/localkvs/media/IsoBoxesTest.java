package io.kvsinfer.connector.kvs.localkvs.media;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoBoxesTest {

    @Test
    void readsNestedBoxesLargeSizesAndSizeZero() {
        byte[] inner = box("mfhd", new byte[8]);
        byte[] moof = box("moof", inner);
        byte[] large = largeBox("mdat", new byte[5]);
        byte[] toEnd = ByteBuffer.allocate(8 + 3).putInt(0).put(ascii("free")).array();
        byte[] data = concat(moof, large, toEnd);

        var top = IsoBoxes.children(data, 0, data.length);
        assertThat(top).extracting(IsoBoxes.Box::type).containsExactly("moof", "mdat", "free");
        assertThat(top.get(1).payload() - top.get(1).start()).isEqualTo(16);
        assertThat(top.get(1).size()).isEqualTo(21);
        assertThat(top.get(2).end()).isEqualTo(data.length);
        IsoBoxes.Box mfhd = IsoBoxes.single(data, top.get(0), "mfhd");
        assertThat(mfhd.start()).isEqualTo(8);
        assertThat(mfhd.size()).isEqualTo(16);
    }

    @Test
    void rejectsBoxesThatDoNotFit() {
        byte[] ok = box("moof", new byte[8]);
        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 1);
        assertThatThrownBy(() -> IsoBoxes.children(truncated, 0, truncated.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "box 'moof' at 0 has size 16 but only 15 bytes are available (and at least"
                                + " 8 are needed)");
        byte[] tooSmall = ByteBuffer.allocate(8).putInt(4).put(ascii("free")).array();
        assertThatThrownBy(() -> IsoBoxes.children(tooSmall, 0, 8))
                .hasMessageContaining("has size 4");
        byte[] header = {0, 0, 0, 9, 'a'};
        assertThatThrownBy(() -> IsoBoxes.children(header, 0, header.length))
                .hasMessage("truncated box header at 0: 5 bytes left, 8 needed");
        byte[] huge =
                ByteBuffer.allocate(16)
                        .putInt(1)
                        .put(ascii("mdat"))
                        .putLong(Long.MAX_VALUE)
                        .array();
        assertThatThrownBy(() -> IsoBoxes.children(huge, 0, huge.length))
                .hasMessageContaining("has size " + Long.MAX_VALUE);
        byte[] negative = ByteBuffer.allocate(16).putInt(1).put(ascii("mdat")).putLong(-1).array();
        assertThatThrownBy(() -> IsoBoxes.children(negative, 0, negative.length))
                .hasMessageContaining("has size -1");
        // A child may not run past its parent even if the buffer goes on.
        byte[] parent =
                concat(
                        ByteBuffer.allocate(8).putInt(16).put(ascii("moof")).array(),
                        ByteBuffer.allocate(8).putInt(24).put(ascii("mfhd")).array(),
                        new byte[16]);
        IsoBoxes.Box moof = IsoBoxes.children(parent, 0, 16).get(0);
        assertThatThrownBy(() -> IsoBoxes.children(parent, moof))
                .hasMessageContaining("box 'mfhd' at 8 has size 24");
        assertThatThrownBy(() -> IsoBoxes.children(parent, 0, 99))
                .hasMessageContaining("outside the 32 bytes");
    }

    @Test
    void singleNamesWhatIsMissingOrRepeated() {
        byte[] data =
                box(
                        "traf",
                        concat(
                                box("tfhd", new byte[8]),
                                box("trun", new byte[8]),
                                box("trun", new byte[8])));
        IsoBoxes.Box traf = IsoBoxes.children(data, 0, data.length).get(0);
        assertThatThrownBy(() -> IsoBoxes.single(data, traf, "tfdt"))
                .hasMessage("box 'traf' at 0 holds no 'tfdt'");
        assertThatThrownBy(() -> IsoBoxes.single(data, traf, "trun"))
                .hasMessage("box 'traf' at 0 holds more than one 'trun'");
    }

    @Test
    void fragmentTimingRejectsShortOrVersion0Tfdt() {
        byte[] tfdtV0 = box("tfdt", new byte[8]);
        byte[] moof =
                box(
                        "moof",
                        concat(
                                box("mfhd", new byte[8]),
                                box("traf", concat(box("tfhd", new byte[8]), tfdtV0))));
        assertThatThrownBy(() -> Mp4FragmentTiming.of(moof))
                .hasMessageContaining("box 'tfdt' at")
                .hasMessageContaining("12 needed");
        byte[] v0 = new byte[12];
        byte[] moof0 =
                box(
                        "moof",
                        concat(
                                box("mfhd", new byte[8]),
                                box("traf", concat(box("tfhd", new byte[8]), box("tfdt", v0)))));
        assertThatThrownBy(() -> Mp4FragmentTiming.of(moof0))
                .hasMessage("tfdt version is 0 but 1 (64-bit) is required");
        assertThatThrownBy(() -> Mp4FragmentTiming.of(box("mdat", new byte[4])))
                .hasMessage("a media fragment must start with 'moof'");
    }

    @Test
    void fragmentTimingRejectsTrunClaimingTooManySamples() {
        byte[] tfdt = new byte[12];
        tfdt[0] = 1;
        // trun: version 0, flags duration|size, sample count 1000 but no sample data.
        byte[] trun = ByteBuffer.allocate(8).putInt(0x000300).putInt(1000).array();
        byte[] moof =
                box(
                        "moof",
                        concat(
                                box("mfhd", new byte[8]),
                                box(
                                        "traf",
                                        concat(
                                                box("tfhd", new byte[8]),
                                                box("tfdt", tfdt),
                                                box("trun", trun)))));
        assertThatThrownBy(() -> Mp4FragmentTiming.of(moof))
                .hasMessageContaining("claims 1000 samples");
    }

    static byte[] box(String type, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length)
                .putInt(8 + payload.length)
                .put(ascii(type))
                .put(payload)
                .array();
    }

    private static byte[] largeBox(String type, byte[] payload) {
        return ByteBuffer.allocate(16 + payload.length)
                .putInt(1)
                .put(ascii(type))
                .putLong(16 + payload.length)
                .put(payload)
                .array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
