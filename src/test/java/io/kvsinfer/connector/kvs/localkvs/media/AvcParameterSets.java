package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_copy_props;

/**
 * Puts an H.264 stream's SPS and PPS in front of a key frame, so that an MPEG-TS fragment that
 * starts with a key frame decodes by itself, as KVS's are. FFmpeg's MPEG-TS muxer repeats them
 * before IDR frames only, so without this the fragments of an open-GOP stream (recovery-point I
 * frames) would carry no parameter sets at all.
 */
@Internal
final class AvcParameterSets {

    private final byte[] lengthPrefixed;
    private final int lengthSize;

    private AvcParameterSets(byte[] lengthPrefixed, int lengthSize) {
        this.lengthPrefixed = lengthPrefixed;
        this.lengthSize = lengthSize;
    }

    /** The SPS and PPS of an {@code avcC} record, or null if it is not one. */
    static AvcParameterSets fromAvcC(byte[] avcC) {
        if (avcC.length < 7 || avcC[0] != 1) {
            return null;
        }
        int lengthSize = (avcC[4] & 3) + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 5;
        for (int table = 0; table < 2; table++) {
            if (at >= avcC.length) {
                return null;
            }
            int count = table == 0 ? avcC[at] & 0x1F : avcC[at] & 0xFF;
            at++;
            for (int i = 0; i < count; i++) {
                if (at + 2 > avcC.length) {
                    return null;
                }
                int size = (avcC[at] & 0xFF) << 8 | avcC[at + 1] & 0xFF;
                at += 2;
                if (at + size > avcC.length) {
                    return null;
                }
                for (int b = lengthSize - 1; b >= 0; b--) {
                    out.write(size >>> (8 * b));
                }
                out.write(avcC, at, size);
                at += size;
            }
        }
        return new AvcParameterSets(out.toByteArray(), lengthSize);
    }

    /** A new packet: the parameter sets, then {@code key}'s data, with its timing and flags. */
    AVPacket prependTo(AVPacket key) throws IOException {
        int size = key.size();
        byte[] data = new byte[size];
        key.data().capacity(size).get(data);
        AVPacket out = av_packet_alloc();
        if (av_new_packet(out, lengthPrefixed.length + size) < 0
                || av_packet_copy_props(out, key) < 0) {
            throw new IOException("cannot allocate a packet of " + (lengthPrefixed.length + size));
        }
        BytePointer target = out.data().capacity(lengthPrefixed.length + size);
        target.put(lengthPrefixed, 0, lengthPrefixed.length);
        target.position(lengthPrefixed.length).put(data, 0, size);
        target.position(0);
        return out;
    }

    /** Whether {@code packet} (length-prefixed NAL units) holds an IDR slice. */
    boolean holdsIdr(AVPacket packet) {
        int size = packet.size();
        byte[] data = new byte[size];
        packet.data().capacity(size).get(data);
        int at = 0;
        while (at + lengthSize < size) {
            long nalSize = 0;
            for (int b = 0; b < lengthSize; b++) {
                nalSize = nalSize << 8 | data[at + b] & 0xFF;
            }
            at += lengthSize;
            if ((data[at] & 0x1F) == 5) {
                return true;
            }
            at += (int) Math.min(nalSize, size);
        }
        return false;
    }
}
