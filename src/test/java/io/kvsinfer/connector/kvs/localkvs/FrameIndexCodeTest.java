package io.kvsinfer.connector.kvs.localkvs;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameIndexCodeTest {

    private static final int[] VALUES = {
        0, 1, 89, 12345, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x5A5A5A5A
    };

    @Test
    void roundTripOnBusyPicture() {
        for (int value : VALUES) {
            byte[] bgr = TestPictures.busy(320, 240, value);
            FrameIndexCode.stamp(bgr, 320, 240, 960, value);
            assertThat(FrameIndexCode.read(bgr, 320, 240, 960)).hasValue(value);
        }
    }

    @Test
    void roundTripWithPaddedStrideAndBuffer() {
        int width = 161;
        int height = 121;
        int stride = 3 * width + 13;
        byte[] bgr = new byte[stride * height];
        FrameIndexCode.stamp(bgr, width, height, stride, 77);
        assertThat(FrameIndexCode.read(bgr, width, height, stride)).hasValue(77);

        // A buffer whose position is not zero, as a slice of a larger native buffer may be.
        ByteBuffer buffer = ByteBuffer.allocateDirect(bgr.length + 5);
        buffer.position(5);
        buffer.put(bgr);
        buffer.position(5);
        assertThat(FrameIndexCode.read(buffer, width, height, stride)).hasValue(77);
        assertThat(buffer.position()).isEqualTo(5);
    }

    @Test
    void survivesScalingToOtherSizes() {
        byte[] big = TestPictures.busy(1920, 1080, 7);
        FrameIndexCode.stamp(big, 1920, 1080, 1920 * 3, 123456789);
        int[][] sizes = {{320, 180}, {160, 120}, {640, 360}, {333, 251}};
        for (int[] size : sizes) {
            byte[] small = TestPictures.scale(big, 1920, 1080, size[0], size[1]);
            assertThat(FrameIndexCode.read(small, size[0], size[1], size[0] * 3))
                    .as("read after scaling to %sx%s", size[0], size[1])
                    .hasValue(123456789);
        }
        // Scaling up from the minimum size works too.
        byte[] tiny = TestPictures.busy(160, 120, 3);
        FrameIndexCode.stamp(tiny, 160, 120, 480, 42);
        byte[] up = TestPictures.scale(tiny, 160, 120, 1280, 720);
        assertThat(FrameIndexCode.read(up, 1280, 720, 1280 * 3)).hasValue(42);
    }

    @Test
    void rejectsNoiseAndPlainPictures() {
        Random random = new Random(1);
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[160 * 120 * 3];
            random.nextBytes(noise);
            if (FrameIndexCode.read(noise, 160, 120, 480).isPresent()) {
                accepted++;
            }
        }
        assertThat(accepted).isZero();
        assertThat(FrameIndexCode.read(new byte[320 * 240 * 3], 320, 240, 960)).isEmpty();
        assertThat(FrameIndexCode.read(TestPictures.busy(320, 240, 5), 320, 240, 960)).isEmpty();
    }

    @Test
    void rejectsCorruptedCells() {
        byte[] bgr = new byte[320 * 240 * 3];
        FrameIndexCode.stamp(bgr, 320, 240, 960, 1000);
        // Flip one data cell (row 1, column 5): the check bits must catch it.
        boolean white =
                FrameIndexCode.read(bgr, 320, 240, 960).isPresent()
                        && (bgr[(25 * 320 + 110) * 3] & 0xFF) > 128;
        for (int y = 20; y < 40; y++) {
            for (int x = 100; x < 120; x++) {
                int p = (y * 320 + x) * 3;
                bgr[p] = bgr[p + 1] = bgr[p + 2] = white ? 0 : (byte) 255;
            }
        }
        assertThat(FrameIndexCode.read(bgr, 320, 240, 960)).isEmpty();
    }

    @Test
    void survivesH264EncodeDecodeAndDecoderScaling(@TempDir Path dir) throws Exception {
        int width = 320;
        int height = 240;
        String file = dir.resolve("code.mp4").toString();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file, width, height, 0);
        try {
            recorder.setFormat("mp4");
            recorder.setVideoCodecName("libopenh264");
            recorder.setFrameRate(15);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoBitrate(150_000);
            recorder.start();
            try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3)) {
                for (int i = 0; i < VALUES.length; i++) {
                    byte[] bgr = TestPictures.busy(width, height, i);
                    FrameIndexCode.stamp(bgr, width, height, width * 3, VALUES[i]);
                    ByteBuffer image = (ByteBuffer) frame.image[0];
                    for (int y = 0; y < height; y++) {
                        image.position(y * frame.imageStride);
                        image.put(bgr, y * width * 3, width * 3);
                    }
                    image.position(0);
                    recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
                }
            }
            recorder.stop();
        } finally {
            recorder.release();
        }
        assertThat(decodeAll(file, 0, 0)).containsExactly(box(VALUES));
        assertThat(decodeAll(file, 160, 120)).containsExactly(box(VALUES));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> FrameIndexCode.stamp(new byte[10], 320, 240, 960, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the picture holds 10 bytes");
        assertThatThrownBy(() -> FrameIndexCode.stamp(new byte[100000], 320, 240, 100, 1))
                .hasMessageContaining("stride is 100");
        assertThatThrownBy(() -> FrameIndexCode.stamp(new byte[100000], 20, 240, 60, 1))
                .hasMessageContaining("width is 20");
    }

    private static Integer[] box(int[] values) {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    private static List<Integer> decodeAll(String file, int scaleWidth, int scaleHeight)
            throws Exception {
        List<Integer> values = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file)) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            if (scaleWidth > 0) {
                grabber.setImageWidth(scaleWidth);
                grabber.setImageHeight(scaleHeight);
            }
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                OptionalInt value =
                        FrameIndexCode.read(
                                (ByteBuffer) frame.image[0],
                                frame.imageWidth,
                                frame.imageHeight,
                                frame.imageStride);
                values.add(value.isPresent() ? value.getAsInt() : null);
            }
            grabber.stop();
        }
        return values;
    }
}
