package io.kvsinfer.connector.kvs.decoder;

import io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.Got;
import io.kvsinfer.connector.kvs.localkvs.FrameIndexCode;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.START;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.decodeAll;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.expectedOffsets;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.offsets;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.pixelIndices;
import static io.kvsinfer.connector.kvs.decoder.DecoderTestSupport.range;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams that carry AAC audio beside the video: the decoder takes the video stream, skips the
 * audio packets (neither decoded nor taken for damage) and yields every frame with the offsets of a
 * video-only stream, in MPEG-TS (two PIDs) and in fMP4 with both tracks in {@code moov} and in
 * every {@code moof}.
 */
class FragmentDecoderAudioTest {

    private static final int FPS = 15;

    private static FragmentedMedia camera;

    @BeforeAll
    static void encodeCamera() {
        camera = SyntheticCamera.encode(320, 240, FPS, 2, 3, true);
    }

    private static DecoderSettings.Builder settings(InputFormat format) {
        return DecoderSettings.builder().inputFormat(format).threads(1);
    }

    @Test
    void tsFragmentsWithAnAudioPidDecodeEveryVideoFrame() throws Exception {
        try (FragmentDecoder decoder = new FragmentDecoder(settings(InputFormat.MPEG_TS).build())) {
            int first = 0;
            for (int i = 0; i < camera.fragmentCount(); i++) {
                int count = camera.frameCount(i);
                byte[] ts = camera.tsFragment(i, START + 2000L * i);
                assertThat(pids(ts)).as("PAT, PMT, video and audio PIDs").hasSizeGreaterThan(3);
                List<Got> frames = decodeAll(decoder, null, ts);
                assertThat(pixelIndices(frames))
                        .as("fragment %s", i)
                        .isEqualTo(range(first, count));
                assertThat(offsets(frames)).isEqualTo(expectedOffsets(count, FPS));
                first += count;
            }
        }
    }

    @Test
    void fmp4VideoTrackOfACameraWithAudioDecodes() throws Exception {
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            List<Got> frames =
                    decodeAll(decoder, camera.initSegment(), camera.mp4Fragment(1, START, 2));
            assertThat(pixelIndices(frames)).isEqualTo(range(2 * FPS, 2 * FPS));
        }
    }

    @Test
    void fmp4WithAudioAndVideoTracksInEveryFragmentDecodesTheVideo(@TempDir Path dir)
            throws Exception {
        int fragments = 3;
        Path file = dir.resolve("muxed.mp4");
        recordMuxed(file, fragments * 2 * FPS);
        byte[] mp4 = Files.readAllBytes(file);
        List<int[]> top = boxes(mp4, 0, mp4.length);
        byte[] init = null;
        List<byte[]> media = new ArrayList<>();
        for (int b = 0; b < top.size(); b++) {
            int[] box = top.get(b);
            String type = type(mp4, box[0]);
            if (type.equals("moov")) {
                init = Arrays.copyOfRange(mp4, 0, box[1]);
                assertThat(children(mp4, box, "trak")).as("tracks in moov").isEqualTo(2);
            } else if (type.equals("moof")) {
                assertThat(children(mp4, box, "traf")).as("track fragments in moof").isEqualTo(2);
                media.add(Arrays.copyOfRange(mp4, box[0], top.get(b + 1)[1]));
            }
        }
        assertThat(init).isNotNull();
        assertThat(media).hasSize(fragments);
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            for (int i = 0; i < fragments; i++) {
                List<Got> frames = decodeAll(decoder, init, media.get(i));
                assertThat(pixelIndices(frames))
                        .as("fragment %s", i)
                        .isEqualTo(range(i * 2 * FPS, 2 * FPS));
                // The recorder's own timing (its first frame lasts a little longer), not exact
                // grid.
                assertThat(offsets(frames)).isSorted().doesNotHaveDuplicates();
                assertThat(offsets(frames).get(2 * FPS - 1)).isBetween(1900L, 2000L);
                assertThat(frames.get(0).keyFrame()).isTrue();
            }
        }
        // And as one stream, each fragment following the one before.
        List<Integer> indices = new ArrayList<>();
        try (FragmentDecoder decoder =
                new FragmentDecoder(settings(InputFormat.FRAGMENTED_MP4).build())) {
            for (int i = 0; i < fragments; i++) {
                decoder.openInStream(init, media.get(i), i > 0);
                drain(decoder, indices);
            }
            decoder.endStream();
            drain(decoder, indices);
        }
        assertThat(indices).isEqualTo(range(0, fragments * 2 * FPS));
    }

    /** Decoding a camera's fragments as one stream (openInStream) skips the audio just the same. */
    @Test
    void tsFragmentsWithAudioDecodeAsOneStream() throws Exception {
        List<Integer> indices = new ArrayList<>();
        try (FragmentDecoder decoder = new FragmentDecoder(settings(InputFormat.MPEG_TS).build())) {
            for (int i = 0; i < camera.fragmentCount(); i++) {
                decoder.openInStream(null, camera.tsFragment(i, START + 2000L * i), i > 0);
                drain(decoder, indices);
            }
            decoder.endStream();
            drain(decoder, indices);
            assertThat(decoder.picturesWithoutReference()).isZero();
        }
        assertThat(indices).isEqualTo(range(0, camera.fragmentCount() * 2 * FPS));
    }

    private static void drain(FragmentDecoder decoder, List<Integer> indices)
            throws CorruptFragmentException {
        DecodedFrame frame;
        while ((frame = decoder.next(FrameSampler.ALL)) != null) {
            indices.add(
                    FrameIndexCode.read(
                                    frame.buffer(), frame.width(), frame.height(), frame.stride())
                            .orElse(-1));
        }
    }

    /**
     * H.264 (openh264) and AAC in one fragmented MP4, cut at every key frame (one each 2 s), each
     * picture a flat grey carrying its index as a {@link FrameIndexCode}.
     */
    private static void recordMuxed(Path file, int frames) throws Exception {
        int width = 320;
        int height = 240;
        int rate = 48_000;
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), width, height, 1);
        try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3)) {
            recorder.setFormat("mp4");
            recorder.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof");
            recorder.setVideoCodecName("libopenh264");
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(FPS);
            recorder.setGopSize(2 * FPS);
            recorder.setVideoBitrate(400_000);
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(rate);
            recorder.setAudioChannels(1);
            recorder.setAudioBitrate(64_000);
            recorder.start();
            byte[] bgr = new byte[width * height * 3];
            ByteBuffer image = (ByteBuffer) frame.image[0];
            for (int i = 0; i < frames; i++) {
                Arrays.fill(bgr, (byte) (60 + i % 100));
                FrameIndexCode.stamp(bgr, width, height, width * 3, i);
                for (int y = 0; y < height; y++) {
                    image.position(y * frame.imageStride);
                    image.put(bgr, y * width * 3, width * 3);
                }
                image.position(0);
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
                short[] samples = new short[rate / FPS];
                for (int s = 0; s < samples.length; s++) {
                    samples[s] =
                            (short)
                                    (6000
                                            * Math.sin(
                                                    2
                                                            * Math.PI
                                                            * 330
                                                            * (i * samples.length + s)
                                                            / rate));
                }
                recorder.recordSamples(rate, 1, ShortBuffer.wrap(samples));
            }
            recorder.stop();
        } finally {
            recorder.release();
        }
    }

    /** Top-level boxes as {start, end} pairs. */
    private static List<int[]> boxes(byte[] b, int from, int to) {
        List<int[]> out = new ArrayList<>();
        int p = from;
        while (p + 8 <= to) {
            long size = ByteBuffer.wrap(b, p, 4).getInt() & 0xFFFFFFFFL;
            if (size < 8 || p + size > to) {
                break;
            }
            out.add(new int[] {p, (int) (p + size)});
            p += (int) size;
        }
        return out;
    }

    private static int children(byte[] b, int[] box, String type) {
        int n = 0;
        for (int[] child : boxes(b, box[0] + 8, box[1])) {
            if (type(b, child[0]).equals(type)) {
                n++;
            }
        }
        return n;
    }

    private static String type(byte[] b, int start) {
        return new String(b, start + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static java.util.Set<Integer> pids(byte[] ts) {
        java.util.Set<Integer> pids = new java.util.TreeSet<>();
        for (int p = 0; p + 188 <= ts.length; p += 188) {
            pids.add(((ts[p + 1] & 0x1F) << 8) | (ts[p + 2] & 0xFF));
        }
        return pids;
    }
}
