package io.kvsinfer.connector.kvs.source.split;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.enumerator.KvsEnumeratorState;
import io.kvsinfer.connector.kvs.source.enumerator.KvsEnumeratorStateSerializer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvsStreamSplitSerializerTest {

    private static final String FRAGMENT = "91343852333185057105875891022195998207386831087";

    static Stream<KvsStreamSplit> splits() {
        return Stream.of(
                new KvsStreamSplit("cam-1", "stream-1", StartingPosition.latest(), -1, null),
                new KvsStreamSplit(
                        "cam-2",
                        "arn:aws:kinesisvideo:us-east-1:123456789012:stream/s/1700000000000",
                        StartingPosition.earliest(),
                        1_700_000_100_000L,
                        null),
                new KvsStreamSplit(
                        "câm-3 ☃",
                        "s3",
                        StartingPosition.fromTimestamp(1_700_000_000_000L),
                        -1,
                        new FragmentPosition(
                                FRAGMENT, 1_700_000_002_000L, 17, 1_700_000_002_566L)));
    }

    @ParameterizedTest
    @MethodSource("splits")
    void roundTrips(KvsStreamSplit split) throws IOException {
        KvsStreamSplitSerializer serializer = new KvsStreamSplitSerializer();
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split)))
                .isEqualTo(split);
    }

    /** Bytes written by version 1; a later version must still read them. */
    @Test
    void readsVersionOneBytes() throws IOException {
        KvsStreamSplit split =
                new KvsStreamSplit(
                        "cam",
                        "s",
                        StartingPosition.fromTimestamp(5),
                        9,
                        new FragmentPosition("123", 7, 2, 8));
        String v1 =
                "000363616d000173020000000000000005000000000000000901000331323300000000000000"
                        + "07000000020000000000000008";
        KvsStreamSplitSerializer serializer = new KvsStreamSplitSerializer();
        assertThat(HexFormat.of().formatHex(serializer.serialize(split))).isEqualTo(v1);
        assertThat(serializer.deserialize(1, HexFormat.of().parseHex(v1))).isEqualTo(split);
    }

    @Test
    void rejectsUnknownVersionsAndCorruptBytes() {
        KvsStreamSplitSerializer serializer = new KvsStreamSplitSerializer();
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> serializer.deserialize(1, new byte[] {0, 1, 'a', 0, 1, 'b', 9}))
                .isInstanceOf(IOException.class);
    }

    @Test
    void enumeratorStateRoundTripsAndReadsVersionOne() throws IOException {
        KvsEnumeratorState state =
                new KvsEnumeratorState(
                        Map.of("cam-1", 0),
                        List.of(
                                new KvsStreamSplit(
                                        "cam-2", "s2", StartingPosition.latest(), -1, null)));
        KvsEnumeratorStateSerializer serializer = new KvsEnumeratorStateSerializer();
        String v1 =
                "00000001000563616d2d31000000000000000100056361"
                        + "6d2d320002733200ffffffffffffffffffffffffffffffff00";
        assertThat(serializer.deserialize(1, HexFormat.of().parseHex(v1))).isEqualTo(state);
        assertThat(serializer.deserialize(2, serializer.serialize(state))).isEqualTo(state);
        KvsEnumeratorState discovered =
                new KvsEnumeratorState(
                        Map.of("cam-1", 0),
                        List.of(),
                        Map.of("cam-1", "stream-1"),
                        1_700_000_000_000L);
        // 1 assigned (cam-1 -> 0), 0 unassigned, 1 discovered (cam-1 = stream-1), last discovery
        // 1700000000000.
        String v2 =
                "00000001"
                        + "000563616d2d31"
                        + "00000000"
                        + "00000000"
                        + "00000001"
                        + "000563616d2d31"
                        + "000873747265616d2d31"
                        + "0000018bcfe56800";
        assertThat(HexFormat.of().formatHex(serializer.serialize(discovered))).isEqualTo(v2);
        assertThat(serializer.deserialize(2, HexFormat.of().parseHex(v2))).isEqualTo(discovered);
        assertThatThrownBy(() -> serializer.deserialize(1, HexFormat.of().parseHex("7fffffff")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("assigned cameras");
    }
}
