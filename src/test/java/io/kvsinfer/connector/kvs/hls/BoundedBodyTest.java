package io.kvsinfer.connector.kvs.hls;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedBodyTest {

    private static InputStream bytes(int n) {
        return new ByteArrayInputStream(new byte[n]);
    }

    @Test
    void aBodyUpToTheLimitIsReadWholeAndOneByteMoreIsRefused() throws Exception {
        assertThat(BoundedBody.read(bytes(10), 10, -1)).hasSize(10);
        assertThat(BoundedBody.read(bytes(10), 10, 10)).hasSize(10);
        assertThatThrownBy(() -> BoundedBody.read(bytes(11), 10, -1))
                .isInstanceOf(BoundedBody.BodyTooLargeException.class)
                .hasMessage("body of at least 11 bytes exceeds the limit of 10 bytes");
        assertThatThrownBy(() -> BoundedBody.read(bytes(0), 10, 11))
                .as("refused on its announced length, before reading")
                .isInstanceOf(BoundedBody.BodyTooLargeException.class);
    }

    @Test
    void aLimitAboveWhatAnArrayHoldsRefusesWhatItCannotHoldInsteadOfCuttingItShort() {
        long twoGiB = 2L << 30;
        long announced = BoundedBody.MAX_ARRAY_BYTES + 1L;
        assertThatThrownBy(() -> BoundedBody.read(bytes(0), twoGiB, announced))
                .isInstanceOf(BoundedBody.BodyTooLargeException.class)
                .hasMessage(
                        "body of at least "
                                + announced
                                + " bytes exceeds the limit of "
                                + BoundedBody.MAX_ARRAY_BYTES
                                + " bytes");
    }
}
