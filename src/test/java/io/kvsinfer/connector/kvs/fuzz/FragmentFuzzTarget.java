package io.kvsinfer.connector.kvs.fuzz;

import io.kvsinfer.connector.kvs.decoder.CorruptFragmentException;
import io.kvsinfer.connector.kvs.decoder.DecodedFrame;
import io.kvsinfer.connector.kvs.decoder.DecoderSettings;
import io.kvsinfer.connector.kvs.decoder.FragmentDecoder;
import io.kvsinfer.connector.kvs.decoder.FrameSampler;
import io.kvsinfer.connector.kvs.decoder.InputFormat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * Jazzer target: a fragment through the decoder, as the reader feeds it. Input layout: one byte
 * whose lowest bit picks MPEG-TS (1) or fMP4 (0); for fMP4 two bytes of init segment length
 * (big-endian), the init segment, then the fragment; for MPEG-TS the fragment. Bad input must end
 * in a {@link CorruptFragmentException} (counted and skipped by the reader); any other exception, a
 * JVM crash or a hang is a finding.
 */
public final class FragmentFuzzTarget {

    private static final FragmentDecoder MP4 = decoder(InputFormat.FRAGMENTED_MP4);
    private static final FragmentDecoder TS = decoder(InputFormat.MPEG_TS);

    private FragmentFuzzTarget() {}

    private static FragmentDecoder decoder(InputFormat format) {
        return new FragmentDecoder(
                DecoderSettings.builder()
                        .inputFormat(format)
                        .threads(1)
                        .maxDecodeTime(Duration.ofSeconds(5))
                        .build());
    }

    /** The input that {@link #fuzzerTestOneInput} reads as this fMP4 init segment and fragment. */
    public static byte[] mp4Input(byte[] init, byte[] fragment) {
        return ByteBuffer.allocate(3 + init.length + fragment.length)
                .put((byte) 0)
                .putShort((short) init.length)
                .put(init)
                .put(fragment)
                .array();
    }

    /** The input that {@link #fuzzerTestOneInput} reads as this MPEG-TS fragment. */
    public static byte[] tsInput(byte[] fragment) {
        return ByteBuffer.allocate(1 + fragment.length).put((byte) 1).put(fragment).array();
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 3) {
            return;
        }
        boolean ts = (data[0] & 1) == 1;
        byte[] init = null;
        byte[] fragment;
        if (ts) {
            fragment = Arrays.copyOfRange(data, 1, data.length);
        } else {
            int initLength = Math.min((data[1] & 0xFF) << 8 | (data[2] & 0xFF), data.length - 3);
            init = Arrays.copyOfRange(data, 3, 3 + initLength);
            fragment = Arrays.copyOfRange(data, 3 + initLength, data.length);
        }
        FragmentDecoder decoder = ts ? TS : MP4;
        try {
            decoder.open(init, fragment);
            DecodedFrame frame;
            while ((frame = decoder.next(FrameSampler.ALL)) != null) {
                if (frame.width() <= 0
                        || frame.height() <= 0
                        || frame.buffer().remaining() < frame.stride() * (frame.height() - 1)) {
                    throw new IllegalStateException("decoded an impossible frame " + frame);
                }
            }
        } catch (CorruptFragmentException expected) {
            // counted and skipped by the reader: fine
        }
    }
}
