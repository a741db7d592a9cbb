package io.kvsinfer.connector.kvs.decoder;

import org.bytedeco.ffmpeg.avformat.AVStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FragmentClocksTest {

    private static FragmentClocks.Clock clockAt90kHz(int wrapBits) {
        FragmentClocks.Clock clock = new FragmentClocks().open();
        try (AVStream stream = new AVStream()) {
            stream.time_base().num(1).den(90_000);
            stream.pts_wrap_bits(wrapBits);
            FragmentClocks.streamOf(clock, stream);
        }
        return clock;
    }

    @Test
    void offsetsRoundToTheNearestMillisecondHalvesAwayFromZero() throws Exception {
        FragmentClocks.Clock clock = clockAt90kHz(64);
        FragmentClocks.packet(clock, 900_000);
        assertThat(clock.offsetMillis(900_000)).isZero();
        assertThat(clock.offsetMillis(903_000)).isEqualTo(33); // 33.33 ms
        assertThat(clock.offsetMillis(900_045)).isEqualTo(1); // 0.5 ms
        assertThat(clock.offsetMillis(899_955)).isEqualTo(-1);
        assertThat(clock.offsetMillis(899_956)).isZero();
    }

    @Test
    void anOffsetAcrossTheMpegTsWrapCountsForward() throws Exception {
        FragmentClocks.Clock clock = clockAt90kHz(33);
        long beforeWrap = (1L << 33) - 900;
        FragmentClocks.packet(clock, beforeWrap);
        assertThat(clock.offsetMillis(2_100)).isEqualTo(33);
    }

    @Test
    void aTimestampTooFarFromTheAnchorIsACorruptFragmentNotACrash() {
        FragmentClocks.Clock clock = clockAt90kHz(64);
        FragmentClocks.packet(clock, 0);
        assertThatThrownBy(() -> clock.offsetMillis(Long.MAX_VALUE / 10))
                .isInstanceOf(CorruptFragmentException.class)
                .hasMessageContaining("frame timestamp " + Long.MAX_VALUE / 10)
                .hasMessageContaining("fragment's first, 0")
                .hasMessageContaining("time base 1/90000");
        assertThatThrownBy(() -> clock.offsetMillis(Long.MIN_VALUE + 1))
                .isInstanceOf(CorruptFragmentException.class);
    }

    @Test
    void aClockWithoutATimeBaseIsACorruptFragment() {
        FragmentClocks.Clock clock = new FragmentClocks().open();
        FragmentClocks.packet(clock, 0);
        assertThatThrownBy(() -> clock.offsetMillis(3_000))
                .isInstanceOf(CorruptFragmentException.class)
                .hasMessage(
                        "the video stream's time base is 0/0; a positive fraction is needed to"
                                + " place its frames in time");
    }
}
