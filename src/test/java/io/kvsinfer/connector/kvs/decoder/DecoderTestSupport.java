package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Helpers for the decoder tests: decode a whole fragment into plain records of what came out. */
final class DecoderTestSupport {

    /** A real epoch time, so that 90 kHz pts are about 1.6e17 as LocalKvs serves them. */
    static final long START = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();

    /**
     * What one kept frame looked like: the index read from its pixels (-1 if unreadable) and its
     * metadata.
     */
    record Got(
            int pixelIndex,
            int indexInFragment,
            long offsetMillis,
            boolean keyFrame,
            int width,
            int height,
            int sourceWidth,
            int sourceHeight) {}

    private DecoderTestSupport() {}

    static List<Got> decodeAll(FragmentDecoder decoder, byte[] init, byte[] fragment)
            throws CorruptFragmentException {
        return decodeAll(decoder, init, fragment, FrameSampler.ALL);
    }

    static List<Got> decodeAll(
            FragmentDecoder decoder, byte[] init, byte[] fragment, FrameSampler sampler)
            throws CorruptFragmentException {
        decoder.open(init, fragment);
        List<Got> out = new ArrayList<>();
        DecodedFrame frame;
        while ((frame = decoder.next(sampler)) != null) {
            out.add(got(frame));
        }
        return out;
    }

    /** The frame's pixels without row padding. */
    static byte[] packed(DecodedFrame frame) {
        int rowBytes = frame.pictureFormat().bytesPerPixel() * frame.width();
        byte[] out = new byte[rowBytes * frame.height()];
        PackedRows.pack(frame.buffer(), rowBytes, frame.height(), frame.stride(), out);
        return out;
    }

    static Got got(DecodedFrame frame) {
        int pixelIndex =
                FrameIndexCode.read(frame.buffer(), frame.width(), frame.height(), frame.stride())
                        .orElse(-1);
        return new Got(
                pixelIndex,
                frame.indexInFragment(),
                frame.offsetMillis(),
                frame.keyFrame(),
                frame.width(),
                frame.height(),
                frame.sourceWidth(),
                frame.sourceHeight());
    }

    static List<Integer> pixelIndices(List<Got> frames) {
        return frames.stream().map(Got::pixelIndex).toList();
    }

    static List<Long> offsets(List<Got> frames) {
        return frames.stream().map(Got::offsetMillis).toList();
    }

    static List<Integer> range(int from, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(from + i);
        }
        return out;
    }

    /** Offsets of {@code count} frames at {@code fps}: frame j at round(j * 1000 / fps). */
    static List<Long> expectedOffsets(int count, int fps) {
        List<Long> out = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            out.add(Math.round(j * 1000.0 / fps));
        }
        return out;
    }
}
