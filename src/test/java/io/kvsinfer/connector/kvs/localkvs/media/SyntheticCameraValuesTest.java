package io.kvsinfer.connector.kvs.localkvs.media;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.concat;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.decode;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.indices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SyntheticCamera#encodeValues}: given values become frames, exactly, in order. */
class SyntheticCameraValuesTest {

    private static final long START = SyntheticCameraTest.START;

    private static int[] values(int count, long seed) {
        Random random = new Random(seed);
        int[] values = new int[count];
        values[0] = Integer.MIN_VALUE;
        values[1] = Integer.MAX_VALUE;
        values[2] = 0;
        for (int i = 3; i < count; i++) {
            // -1 is what Decoding reports for an unreadable frame; keep it out of the data.
            do {
                values[i] = random.nextInt();
            } while (values[i] == -1);
        }
        return values;
    }

    private static List<Integer> asList(int[] values) {
        List<Integer> out = new ArrayList<>();
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    @Test
    void cutsFragmentsOfTheGivenFrameCountWithAShortLastOneAndNoPadding() throws Exception {
        int[] values = values(23, 7);
        FragmentedMedia media = SyntheticCamera.encodeValues(64, 48, 10, 10, values);
        assertThat(media.width()).isEqualTo(64);
        assertThat(media.height()).isEqualTo(48);
        assertThat(media.frameRate()).isEqualTo(10.0);
        assertThat(media.fragmentCount()).isEqualTo(3);
        assertThat(List.of(media.frameCount(0), media.frameCount(1), media.frameCount(2)))
                .containsExactly(10, 10, 3);
        assertThat(
                        List.of(
                                media.durationMillis(0),
                                media.durationMillis(1),
                                media.durationMillis(2)))
                .containsExactly(1000L, 1000L, 300L);

        List<byte[]> parts = new ArrayList<>();
        parts.add(media.initSegment());
        long start = START;
        for (int i = 0; i < media.fragmentCount(); i++) {
            parts.add(media.mp4Fragment(i, start, i + 1));
            start += media.durationMillis(i);
        }
        assertThat(indices(decode(concat(parts.toArray(new byte[0][])), "mp4")))
                .isEqualTo(asList(values));
        // Each fragment alone, as MPEG-TS: it starts with a key frame and holds exactly its values.
        assertThat(indices(decode(media.tsFragment(2, START), "mpegts")))
                .isEqualTo(asList(values).subList(20, 23));
    }

    @Test
    void anExactMultipleHasFullFragmentsOnly() throws Exception {
        int[] values = values(30, 11);
        FragmentedMedia media = SyntheticCamera.encodeValues(96, 72, 15, 15, values);
        assertThat(media.fragmentCount()).isEqualTo(2);
        assertThat(media.frameCount(1)).isEqualTo(15);
        assertThat(
                        indices(
                                decode(
                                        concat(media.initSegment(), media.mp4Fragment(1, START, 1)),
                                        "mp4")))
                .isEqualTo(asList(values).subList(15, 30));
    }

    @Test
    void aSingleValueIsOneFrame() throws Exception {
        FragmentedMedia media = SyntheticCamera.encodeValues(64, 48, 10, 10, new int[] {42});
        assertThat(media.fragmentCount()).isEqualTo(1);
        assertThat(media.frameCount(0)).isEqualTo(1);
        assertThat(indices(decode(media.tsFragment(0, START), "mpegts"))).containsExactly(42);
    }

    @Test
    void isNotCachedAndDoesNotKeepTheCallersArray() throws Exception {
        int[] values = {1, 2, 3};
        FragmentedMedia first = SyntheticCamera.encodeValues(64, 48, 10, 10, values);
        values[0] = 99;
        FragmentedMedia second = SyntheticCamera.encodeValues(64, 48, 10, 10, values);
        assertThat(second).isNotSameAs(first);
        assertThat(indices(decode(first.tsFragment(0, START), "mpegts"))).containsExactly(1, 2, 3);
        assertThat(indices(decode(second.tsFragment(0, START), "mpegts")))
                .containsExactly(99, 2, 3);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> SyntheticCamera.encodeValues(62, 48, 10, 10, new int[] {1}))
                .hasMessageContaining("width is 62");
        assertThatThrownBy(() -> SyntheticCamera.encodeValues(64, 48, 10, 0, new int[] {1}))
                .hasMessageContaining("framesPerFragment is 0");
        assertThatThrownBy(() -> SyntheticCamera.encodeValues(64, 48, 10, 101, new int[] {1}))
                .hasMessageContaining("framesPerFragment is 101");
        assertThatThrownBy(() -> SyntheticCamera.encodeValues(64, 48, 10, 10, new int[0]))
                .hasMessageContaining("values has 0 entries");
        assertThatThrownBy(() -> SyntheticCamera.encodeValues(64, 48, 10, 10, null))
                .hasMessageContaining("values must not be null");
    }
}
