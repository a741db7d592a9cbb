package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.GrabbedPicture;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes LocalKvs HLS with JavaCV as a consumer would: in-memory fMP4 ({@code init + fragment})
 * or MPEG-TS bytes, or FFmpeg's own HLS reader on a session URL. Each frame's index is read from
 * its pixels, and its presentation time is kept exact (pts and stream time base), because
 * {@code Frame.timestamp} overflows with epoch-scale pts.
 */
final class HlsDecoding {

    /** MPEG-TS carries 33-bit 90 kHz clocks, so epoch times wrap. */
    static final BigInteger TS_WRAP = BigInteger.ONE.shiftLeft(33);

    /**
     * One decoded frame.
     *
     * @param index the frame index read from the pixels, -1 if none could be read
     * @param pts the presentation time in the stream's time base (best effort timestamp)
     */
    record DecodedFrame(int index, long pts, int timeBaseNum, int timeBaseDen, int width, int height) {

        /**
         * How far this frame is presented from {@code expectedMillis} (epoch ms, may be fractional),
         * in milliseconds; with {@code wraps33} the difference is taken modulo the 33-bit TS clock.
         */
        BigDecimal offsetMillisFrom(BigDecimal expectedMillis, boolean wraps33) {
            // ticks = millis * den / (num * 1000)
            BigDecimal expectedTicks = expectedMillis.multiply(BigDecimal.valueOf(timeBaseDen))
                    .divide(BigDecimal.valueOf(timeBaseNum * 1000L), MathContext.DECIMAL128);
            BigDecimal diffTicks = BigDecimal.valueOf(pts).subtract(expectedTicks);
            if (wraps33) {
                BigDecimal wrap = new BigDecimal(TS_WRAP);
                BigDecimal half = wrap.divide(BigDecimal.valueOf(2));
                diffTicks = diffTicks.remainder(wrap);
                if (diffTicks.compareTo(half) >= 0) {
                    diffTicks = diffTicks.subtract(wrap);
                } else if (diffTicks.compareTo(half.negate()) < 0) {
                    diffTicks = diffTicks.add(wrap);
                }
            }
            return diffTicks.multiply(BigDecimal.valueOf(timeBaseNum * 1000L))
                    .divide(BigDecimal.valueOf(timeBaseDen), MathContext.DECIMAL128);
        }
    }


    private HlsDecoding() {}

    /** Decodes in-memory bytes of {@code format} ({@code mp4} or {@code mpegts}). */
    static List<DecodedFrame> decode(byte[] bytes, String format) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), 0)) {
            grabber.setFormat(format);
            return grabAll(grabber);
        }
    }

    /** Lets FFmpeg itself read {@code url} with the demuxer {@code format} and the given demuxer options. */
    static List<DecodedFrame> decodeUrl(String url, String format, Map<String, String> options) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url)) {
            grabber.setFormat(format);
            options.forEach(grabber::setOption);
            return grabAll(grabber);
        }
    }

    private static List<DecodedFrame> grabAll(FFmpegFrameGrabber grabber) throws Exception {
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        grabber.setVideoOption("threads", "1");
        grabber.start();
        AVRational tb = grabber.getFormatContext().streams(grabber.getVideoStream()).time_base();
        List<DecodedFrame> frames = new ArrayList<>();
        Frame frame;
        while ((frame = grabber.grabImage()) != null) {
            int index = FrameIndexCode.read(
                            (ByteBuffer) frame.image[0], frame.imageWidth, frame.imageHeight, frame.imageStride)
                    .orElse(-1);
            AVFrame picture = GrabbedPicture.of(grabber);
            long pts = picture.best_effort_timestamp();
            if (pts == avutil.AV_NOPTS_VALUE) {
                pts = picture.pts();
            }
            frames.add(new DecodedFrame(index, pts, tb.num(), tb.den(), frame.imageWidth, frame.imageHeight));
        }
        grabber.stop();
        return frames;
    }

    static List<Integer> indices(List<DecodedFrame> frames) {
        return frames.stream().map(DecodedFrame::index).toList();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
