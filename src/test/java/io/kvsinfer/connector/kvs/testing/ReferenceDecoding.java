package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;

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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * Decodes video with JavaCV as a consumer would, independently of the connector's decoder:
 * in-memory fMP4 ({@code init + fragment}) or MPEG-TS bytes, or FFmpeg's own HLS reader on a
 * session URL. Each frame's index is read from its pixels, and its presentation time is kept exact
 * (pts and the stream's time base), because {@code Frame.timestamp} overflows with epoch-scale pts.
 */
public final class ReferenceDecoding {

    /** MPEG-TS carries 33-bit 90 kHz clocks, so epoch times wrap. */
    static final BigInteger TS_WRAP = BigInteger.ONE.shiftLeft(33);

    /**
     * One decoded frame.
     *
     * @param index the frame index read from the pixels, -1 if none could be read
     * @param pts the presentation time in the stream's time base (best effort timestamp)
     * @param pixelCrc CRC-32 of the BGR24 pixels, rows without padding: equal pictures, equal CRC
     */
    public record Decoded(
            int index,
            long pts,
            int timeBaseNum,
            int timeBaseDen,
            int width,
            int height,
            long pixelCrc) {

        /**
         * How far this frame is presented from {@code expectedMillis} (epoch ms, may be
         * fractional), in milliseconds; with {@code wraps33} the difference is taken modulo the
         * 33-bit TS clock.
         */
        public BigDecimal offsetMillisFrom(BigDecimal expectedMillis, boolean wraps33) {
            // ticks = millis * den / (num * 1000)
            BigDecimal expectedTicks =
                    expectedMillis
                            .multiply(BigDecimal.valueOf(timeBaseDen))
                            .divide(
                                    BigDecimal.valueOf(timeBaseNum * 1000L),
                                    MathContext.DECIMAL128);
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
            return diffTicks
                    .multiply(BigDecimal.valueOf(timeBaseNum * 1000L))
                    .divide(BigDecimal.valueOf(timeBaseDen), MathContext.DECIMAL128);
        }
    }

    private ReferenceDecoding() {}

    /** Decodes in-memory bytes of {@code format} ({@code mp4} or {@code mpegts}). */
    public static List<Decoded> decode(byte[] bytes, String format) throws Exception {
        return decode(bytes, format, 0, 0);
    }

    /**
     * Decodes, letting the decoder scale pictures to {@code width x height} when those are
     * positive.
     */
    public static List<Decoded> decode(byte[] bytes, String format, int width, int height)
            throws Exception {
        try (FFmpegFrameGrabber grabber =
                new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), 0)) {
            grabber.setFormat(format);
            if (width > 0) {
                grabber.setImageWidth(width);
                grabber.setImageHeight(height);
            }
            return grabAll(grabber);
        }
    }

    /**
     * Lets FFmpeg itself read {@code url} with the demuxer {@code format} and the given demuxer
     * options.
     */
    public static List<Decoded> decodeUrl(String url, String format, Map<String, String> options)
            throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url)) {
            grabber.setFormat(format);
            options.forEach(grabber::setOption);
            return grabAll(grabber);
        }
    }

    private static List<Decoded> grabAll(FFmpegFrameGrabber grabber) throws Exception {
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        grabber.setVideoOption("threads", "1");
        grabber.start();
        AVRational tb = grabber.getFormatContext().streams(grabber.getVideoStream()).time_base();
        List<Decoded> frames = new ArrayList<>();
        Frame frame;
        while ((frame = grabber.grabImage()) != null) {
            int index =
                    FrameIndexCode.read(
                                    (ByteBuffer) frame.image[0],
                                    frame.imageWidth,
                                    frame.imageHeight,
                                    frame.imageStride)
                            .orElse(-1);
            AVFrame picture = GrabbedPicture.of(grabber);
            long pts = picture.best_effort_timestamp();
            if (pts == avutil.AV_NOPTS_VALUE) {
                pts = picture.pts();
            }
            frames.add(
                    new Decoded(
                            index,
                            pts,
                            tb.num(),
                            tb.den(),
                            frame.imageWidth,
                            frame.imageHeight,
                            pixelCrc(
                                    (ByteBuffer) frame.image[0],
                                    frame.imageWidth * 3,
                                    frame.imageHeight,
                                    frame.imageStride)));
        }
        grabber.stop();
        return frames;
    }

    /** CRC-32 of {@code height} rows of {@code rowBytes} bytes, {@code stride} bytes apart. */
    public static long pixelCrc(ByteBuffer pixels, int rowBytes, int height, int stride) {
        CRC32 crc = new CRC32();
        byte[] row = new byte[rowBytes];
        for (int y = 0; y < height; y++) {
            pixels.get(pixels.position() + y * stride, row, 0, rowBytes);
            crc.update(row);
        }
        return crc.getValue();
    }

    /** The frame indices read from the pixels, in output order. */
    public static List<Integer> indices(List<Decoded> frames) {
        return frames.stream().map(Decoded::index).collect(Collectors.toList());
    }

    /** {@code count} consecutive integers from {@code from}. */
    public static List<Integer> range(int from, int count) {
        return IntStream.range(from, from + count).boxed().collect(Collectors.toList());
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] part : parts) {
            n += part.length;
        }
        byte[] out = new byte[n];
        int position = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, position, part.length);
            position += part.length;
        }
        return out;
    }
}
