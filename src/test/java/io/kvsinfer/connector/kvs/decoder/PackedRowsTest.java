package io.kvsinfer.connector.kvs.decoder;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackedRowsTest {

    @Test
    void dropsTheRowPadding() {
        // 2x2 BGR24 rows of 6 bytes, 8 bytes apart: two bytes of padding after each row.
        byte[] padded = {1, 2, 3, 4, 5, 6, -1, -1, 7, 8, 9, 10, 11, 12, -1, -1};
        byte[] out = new byte[12];
        PackedRows.pack(ByteBuffer.wrap(padded), 6, 2, 8, out);
        assertThat(out).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);

        byte[] grey = new byte[4];
        PackedRows.pack(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 2, 2, 2, grey);
        assertThat(grey).containsExactly(1, 2, 3, 4);
    }

    @Test
    void namesAWrongArraySize() {
        PackedRows.checkLength(PictureFormat.BGR24, 2, 2, 3, new byte[12]);
        assertThatThrownBy(() -> PackedRows.checkLength(PictureFormat.BGR24, 2, 2, 3, new byte[10]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A 2x2 BGR24 frame needs 12 bytes but the array has 10.");
    }
}
