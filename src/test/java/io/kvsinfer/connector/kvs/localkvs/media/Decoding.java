package io.kvsinfer.connector.kvs.localkvs.media;

import io.kvsinfer.connector.kvs.testing.GrabbedPicture;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Decodes in-memory fMP4 or MPEG-TS bytes the way a consumer would, for assertions on pixels and clocks. */
final class Decoding {

    /** One decoded frame: the index read from its pixels (-1 if none) and its pts in the stream time base. */
    record Decoded(int index, long pts, int timeBaseNum, int timeBaseDen) {}


    private Decoding() {}

    static List<Decoded> decode(byte[] bytes, String format) throws Exception {
        return decode(bytes, format, 0, 0);
    }

    /** Decodes, letting the decoder scale pictures to {@code width x height} when those are positive. */
    static List<Decoded> decode(byte[] bytes, String format, int width, int height) throws Exception {
        List<Decoded> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), 0)) {
            grabber.setFormat(format);
            if (width > 0) {
                grabber.setImageWidth(width);
                grabber.setImageHeight(height);
            }
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            grabber.setVideoOption("threads", "1");
            grabber.start();
            AVRational tb = grabber.getFormatContext().streams(grabber.getVideoStream()).time_base();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                OptionalInt index = FrameIndexCode.read(
                        (ByteBuffer) frame.image[0], frame.imageWidth, frame.imageHeight, frame.imageStride);
                AVFrame picture = GrabbedPicture.of(grabber);
                frames.add(new Decoded(index.orElse(-1), picture.best_effort_timestamp(), tb.num(), tb.den()));
            }
            grabber.stop();
        }
        return frames;
    }

    static List<Integer> indices(List<Decoded> frames) {
        List<Integer> out = new ArrayList<>();
        for (Decoded d : frames) {
            out.add(d.index());
        }
        return out;
    }

    static List<Integer> range(int from, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(from + i);
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
