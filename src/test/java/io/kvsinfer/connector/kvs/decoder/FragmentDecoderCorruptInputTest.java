package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.Got;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.START;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.decodeAll;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.expectedOffsets;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.offsets;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.pixelIndices;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Broken input must end in a {@link CorruptFragmentException} carrying a reason, never in another
 * exception, a crash or a hang, and the same decoder must decode the next good fragment fully.
 */
class FragmentDecoderCorruptInputTest {

    private static final int FPS = 15;

    private static FragmentedMedia camera;
    private static byte[] init;
    private static byte[] mp4;
    private static byte[] ts;

    private FragmentDecoder mp4Decoder;
    private FragmentDecoder tsDecoder;

    @BeforeAll
    static void encodeCamera() {
        camera = SyntheticCamera.encode(320, 240, FPS);
        init = camera.initSegment();
        mp4 = camera.mp4Fragment(1, START, 2);
        ts = camera.tsFragment(1, START);
    }

    @BeforeEach
    void openDecoders() {
        mp4Decoder = new FragmentDecoder(DecoderSettings.builder().threads(1).build());
        tsDecoder =
                new FragmentDecoder(
                        DecoderSettings.builder()
                                .inputFormat(InputFormat.MPEG_TS)
                                .threads(1)
                                .build());
    }

    @AfterEach
    void closeDecoders() {
        mp4Decoder.close();
        tsDecoder.close();
    }

    /** The good fragment after the bad one decodes completely, with exact pixels and offsets. */
    private void assertStillDecodes() throws Exception {
        List<Got> mp4Frames = decodeAll(mp4Decoder, init, camera.mp4Fragment(2, START + 4000, 3));
        List<Got> tsFrames = decodeAll(tsDecoder, null, camera.tsFragment(2, START + 4000));
        for (List<Got> frames : List.of(mp4Frames, tsFrames)) {
            assertThat(pixelIndices(frames))
                    .isEqualTo(range(2 * camera.frameCount(0), camera.frameCount(2)));
            assertThat(offsets(frames)).isEqualTo(expectedOffsets(camera.frameCount(2), FPS));
        }
    }

    private static void assertCorrupt(
            FragmentDecoder decoder, byte[] init, byte[] fragment, String reason) {
        assertThatThrownBy(() -> decodeAll(decoder, init, fragment))
                .isInstanceOf(CorruptFragmentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void emptyFragment() throws Exception {
        assertCorrupt(mp4Decoder, init, new byte[0], "the fragment is empty");
        assertCorrupt(tsDecoder, null, new byte[0], "the fragment is empty");
        assertStillDecodes();
    }

    @Test
    void fmp4FragmentWithoutItsInit() throws Exception {
        assertCorrupt(mp4Decoder, null, mp4, "without its init segment");
        // Given something else as init, the check before FFmpeg finds no moov.
        assertCorrupt(
                mp4Decoder, mp4, mp4, "the init segment has no 'moov' box (boxes: [moof, mdat])");
        assertStillDecodes();
    }

    @Test
    void garbage() throws Exception {
        byte[] noise = new byte[188 * 200];
        new Random(7).nextBytes(noise);
        byte[] text =
                "<html><body>Streaming session token is expired</body></html>"
                        .repeat(30)
                        .substring(0, 188 * 9)
                        .getBytes(StandardCharsets.US_ASCII);
        assertCorrupt(mp4Decoder, noise, noise, "MP4 box");
        assertCorrupt(
                mp4Decoder,
                text,
                text,
                "MP4 box 'l><b' at offset 0 claims 1013478509 bytes but 1692 remain (truncated?)");
        assertCorrupt(
                tsDecoder,
                null,
                noise,
                String.format(
                        "MPEG-TS packet 0 starts with the byte 0x%02x, not the sync byte 0x47",
                        noise[0] & 0xff));
        assertCorrupt(
                tsDecoder,
                null,
                text,
                "MPEG-TS packet 0 starts with the byte 0x3c, not the sync byte 0x47");
        assertStillDecodes();
    }

    @Test
    void initFollowedByGarbage() throws Exception {
        byte[] noise = new byte[20_000];
        new Random(11).nextBytes(noise);
        assertCorrupt(mp4Decoder, init, noise, "");
        assertStillDecodes();
    }

    @Test
    void truncatedFragments() throws Exception {
        for (int keep : new int[] {mp4.length / 2, mp4.length - 1, 200}) {
            assertCorrupt(mp4Decoder, init, Arrays.copyOf(mp4, keep), "(truncated?)");
        }
        assertCorrupt(
                tsDecoder,
                null,
                Arrays.copyOf(ts, ts.length / 2 + 1),
                "not a whole number of 188-byte packets");
        assertStillDecodes();
    }

    @Test
    void truncatedInit() throws Exception {
        assertCorrupt(mp4Decoder, Arrays.copyOf(init, init.length / 2), mp4, "(truncated?)");
        assertStillDecodes();
    }

    /**
     * Random bit flips: FFmpeg conceals many of them, so a damaged fragment may still decode; what
     * must never happen is another exception, a crash or a hang.
     */
    @ParameterizedTest
    @EnumSource(InputFormat.class)
    void randomBitFlips(InputFormat format) throws Exception {
        FragmentDecoder decoder = format == InputFormat.MPEG_TS ? tsDecoder : mp4Decoder;
        byte[] good = format == InputFormat.MPEG_TS ? ts : mp4;
        byte[] initOrNull = format == InputFormat.MPEG_TS ? null : init;
        Random random = new Random(42);
        int corrupt = 0;
        for (int round = 0; round < 40; round++) {
            byte[] damaged = good.clone();
            int flips = 1 + random.nextInt(round < 20 ? 4 : 200);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(damaged.length);
                damaged[at] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                decodeAll(decoder, initOrNull, damaged);
            } catch (CorruptFragmentException e) {
                assertThat(e.getMessage()).isNotBlank();
                corrupt++;
            }
        }
        System.out.printf(
                "%s: %d of 40 bit-flipped fragments reported corrupt, the rest decoded%n",
                format, corrupt);
        assertStillDecodes();
    }

    @Test
    void damagedInitAndFlippedHeaders() throws Exception {
        Random random = new Random(5);
        for (int round = 0; round < 30; round++) {
            byte[] damagedInit = init.clone();
            damagedInit[random.nextInt(damagedInit.length)] ^= (byte) (1 << random.nextInt(8));
            byte[] damaged = mp4.clone();
            // The first kilobyte holds moof/traf/trun: sizes, offsets and sample tables.
            damaged[random.nextInt(Math.min(1024, damaged.length))] ^=
                    (byte) (1 << random.nextInt(8));
            for (byte[][] pair : new byte[][][] {{damagedInit, mp4}, {init, damaged}}) {
                try {
                    decodeAll(mp4Decoder, pair[0], pair[1]);
                } catch (CorruptFragmentException e) {
                    assertThat(e.getMessage()).isNotBlank();
                }
            }
        }
        assertStillDecodes();
    }
}
