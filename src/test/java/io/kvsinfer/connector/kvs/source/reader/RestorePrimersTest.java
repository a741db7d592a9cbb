package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.hls.HlsSegment;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which fragments a restored camera decodes again before the one it resumes in. */
class RestorePrimersTest {

    private static final long RESUMED = 100_000;

    private static HlsSegment segment(int index) {
        long start = RESUMED + 2000L * index;
        return new HlsSegment(
                URI.create("http://127.0.0.1/f?FragmentNumber=" + index),
                "n" + index,
                2000,
                start,
                false,
                null,
                0);
    }

    /** Lists fragments -20 .. -1 (40 s before the resumed one) and primes fragment 0. */
    private static List<String> primed(Set<String> keyFrameStarts, List<String> fetched) {
        RestorePrimers primers = new RestorePrimers();
        for (int i = -20; i < 0; i++) {
            primers.listed(segment(i), segment(i).programDateTimeMillis(), RESUMED);
        }
        List<String> out = new ArrayList<>();
        RestorePrimers.Primer primer;
        while ((primer =
                        primers.next(
                                segment(0),
                                HlsSegment::programDateTimeMillis,
                                100,
                                s -> {
                                    fetched.add(s.fragmentNumber());
                                    return new byte[0];
                                },
                                (s, bytes) -> keyFrameStarts.contains(s.fragmentNumber())))
                != null) {
            out.add(primer.segment().fragmentNumber());
        }
        assertThat(primers.isEmpty()).isTrue();
        return out;
    }

    @Test
    void theFragmentBeforeWhenItStartsWithAKeyFrame() {
        List<String> fetched = new ArrayList<>();
        assertThat(primed(Set.of("n-1", "n-5"), fetched)).containsExactly("n-1");
        assertThat(fetched).containsExactly("n-1");
    }

    @Test
    void backToTheLastKeyFrameForAStreamCutMidGop() {
        List<String> fetched = new ArrayList<>();
        assertThat(primed(Set.of("n-4", "n-9"), fetched))
                .containsExactly("n-4", "n-3", "n-2", "n-1");
        assertThat(fetched)
                .as("newest first, until the key frame")
                .containsExactly("n-1", "n-2", "n-3", "n-4");
    }

    @Test
    void allWithinTheLookbackWhenNoneStartsWithAKeyFrame() {
        List<String> primed = primed(Set.of(), new ArrayList<>());
        assertThat(primed).hasSize(15).startsWith("n-15").endsWith("n-1");
    }

    @Test
    void noneWhenNothingEndsWhereTheResumedFragmentStarts() {
        RestorePrimers primers = new RestorePrimers();
        primers.listed(segment(-3), segment(-3).programDateTimeMillis(), RESUMED);
        assertThat(
                        primers.next(
                                segment(0),
                                HlsSegment::programDateTimeMillis,
                                100,
                                s -> new byte[0],
                                (s, bytes) -> true))
                .as("a gap of 4 s before it")
                .isNull();
        assertThat(primers.isEmpty()).isTrue();
    }
}
