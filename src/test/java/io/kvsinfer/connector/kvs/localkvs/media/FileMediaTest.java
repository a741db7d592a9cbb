package io.kvsinfer.connector.kvs.localkvs.media;

import io.kvsinfer.connector.kvs.testing.ReferenceDecoding;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static io.kvsinfer.connector.kvs.localkvs.media.SyntheticCameraTest.START;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.concat;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.decode;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.indices;
import static io.kvsinfer.connector.kvs.testing.ReferenceDecoding.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

class FileMediaTest {

    private static final Path FIXTURES = Paths.get("src/test/resources/fixtures");
    private static final Path H265 = FIXTURES.resolve("h265-320x240-15fps.mp4");
    private static final Path H264_MKV = FIXTURES.resolve("h264-bframes-320x240-15fps.mkv");

    /**
     * Ticks of clock jitter the source allows: none for MP4; Matroska rounds times to 1 ms, so 2 ms
     * between two frames.
     */
    private static long tolerance(String fixture) {
        return fixture.endsWith(".mkv") ? 180 : 0;
    }

    @Test
    void h265FixtureDescribesItself() throws IOException {
        FragmentedMedia media = FileMedia.load(H265);
        assertThat(media.codecId()).isEqualTo("V_MPEG/ISO/HEVC");
        // Main profile, level and constraint flags as x265 wrote them in hvcC.
        assertThat(media.hlsCodecs()).matches("hvc1\\.1\\.6\\.L\\d+(\\.[0-9A-F]{2})*");
        assertThat(media.width()).isEqualTo(320);
        assertThat(media.height()).isEqualTo(240);
        assertThat(media.frameRate()).isEqualTo(15.0);
        assertThat(media.fragmentCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(media.frameCount(i)).isEqualTo(30);
            assertThat(media.durationMillis(i)).isEqualTo(2000);
        }
        byte[] init = media.initSegment();
        IsoBoxes.Box moov = IsoBoxes.children(init, 0, init.length).get(1);
        IsoBoxes.Box stsd = IsoBoxes.path(init, moov, "trak/mdia/minf/stbl/stsd");
        assertThat(IsoBoxes.children(init, stsd.payload() + 8, stsd.end()).get(0).type())
                .isEqualTo("hvc1");
    }

    @Test
    void h264MatroskaFixtureDescribesItself() throws IOException {
        FragmentedMedia media = FileMedia.load(H264_MKV);
        assertThat(media.codecId()).isEqualTo("V_MPEG/ISO/AVC");
        // High profile (0x64), no constraint flags, level 1.2 as x264 chose for 320x240.
        assertThat(media.hlsCodecs()).isEqualTo("avc1.64000c");
        assertThat(media.fragmentCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(media.frameCount(i)).isEqualTo(30);
            // Matroska keeps milliseconds, so a fragment may come out a few ms short.
            assertThat(media.durationMillis(i)).isBetween(1995L, 2000L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h265-320x240-15fps.mp4", "h264-bframes-320x240-15fps.mkv"})
    void fixtureFragmentsDecodeInMp4WithBFramesInOrder(String fixture) throws Exception {
        FragmentedMedia media = FileMedia.load(FIXTURES.resolve(fixture));
        List<byte[]> parts = new ArrayList<>();
        parts.add(media.initSegment());
        for (int i = 0; i < 3; i++) {
            long start = START + 2000L * i;
            byte[] fragment = media.mp4Fragment(i, start, i + 1);
            List<ReferenceDecoding.Decoded> frames =
                    decode(concat(media.initSegment(), fragment), "mp4");
            assertThat(indices(frames)).as("fragment %s", i).isEqualTo(range(30 * i, 30));
            // Frames come out in presentation order; the first is presented exactly at the start.
            assertThat(frames.get(0).pts()).isEqualTo(start * 90);
            for (int k = 0; k < 30; k++) {
                // Matroska's millisecond clock leaves some jitter per frame.
                assertThat(frames.get(k).pts())
                        .isCloseTo(
                                start * 90 + k * 6000L,
                                org.assertj.core.data.Offset.offset(tolerance(fixture)));
            }
            parts.add(fragment);
        }
        List<ReferenceDecoding.Decoded> all = decode(concat(parts.toArray(new byte[0][])), "mp4");
        assertThat(indices(all)).isEqualTo(range(0, 90));
        assertThat(all.get(89).pts())
                .isCloseTo(
                        START * 90 + 89 * 6000L,
                        org.assertj.core.data.Offset.offset(tolerance(fixture)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h265-320x240-15fps.mp4", "h264-bframes-320x240-15fps.mkv"})
    void fixtureFragmentsDecodeAloneInTs(String fixture) throws Exception {
        FragmentedMedia media = FileMedia.load(FIXTURES.resolve(fixture));
        for (int i = 0; i < 3; i++) {
            long start = START + 2000L * i;
            List<ReferenceDecoding.Decoded> frames = decode(media.tsFragment(i, start), "mpegts");
            assertThat(indices(frames)).as("fragment %s", i).isEqualTo(range(30 * i, 30));
            assertThat(Math.floorMod(frames.get(0).pts(), 1L << 33))
                    .isEqualTo(Math.floorMod(start * 90, 1L << 33));
            for (int k = 0; k < 30; k++) {
                assertThat(Math.floorMod(frames.get(k).pts(), 1L << 33))
                        .isCloseTo(
                                Math.floorMod(start * 90 + k * 6000L, 1L << 33),
                                org.assertj.core.data.Offset.offset(tolerance(fixture)));
            }
        }
    }

    /**
     * Like KVS's, every TS fragment that starts with a key frame carries the parameter sets, also
     * when the key frame is an open GOP's recovery-point I frame rather than an IDR: decoded alone
     * it shows every frame from its key frame on (its leading frames need the fragment before).
     */
    @ParameterizedTest
    @ValueSource(strings = {"h264-opengop-320x240-15fps.mp4", "h265-opengop-320x240-15fps.mp4"})
    void openGopTsFragmentsDecodeAloneFromTheirKeyFrame(String fixture) throws Exception {
        FragmentedMedia media = FileMedia.load(FIXTURES.resolve(fixture));
        assertThat(media.fragmentCount()).isEqualTo(5);
        for (int i = 1; i < media.fragmentCount(); i++) {
            List<Integer> shown = indices(decode(media.tsFragment(i, START + 2000L * i), "mpegts"));
            assertThat(shown).as("fragment %s", i).contains(30 * i).doesNotContain(-1);
            assertThat(shown.get(shown.size() - 1)).isGreaterThanOrEqualTo(30 * i + 25);
        }
    }

    @Test
    void loadsH264FromMatroskaWithSparseKeyFrames(@TempDir Path dir) throws Exception {
        // Key frames every 20 frames (1.33 s): 2 s fragments cut at frames 0, 40 and 80.
        Path mkv = dir.resolve("clip.mkv");
        recordSynthetic(mkv, "matroska", "libopenh264", 90, 20);
        FragmentedMedia media = FileMedia.load(mkv);
        assertThat(media.codecId()).isEqualTo("V_MPEG/ISO/AVC");
        assertThat(media.hlsCodecs()).startsWith("avc1.");
        assertThat(media.fragmentCount()).isEqualTo(3);
        assertThat(List.of(media.frameCount(0), media.frameCount(1), media.frameCount(2)))
                .containsExactly(40, 40, 10);
        // Matroska keeps milliseconds: 40 frames of 66.67 ms come out as 2666 or 2667 ms.
        assertThat(media.durationMillis(0)).isBetween(2666L, 2667L);
        int first = 0;
        for (int i = 0; i < 3; i++) {
            List<ReferenceDecoding.Decoded> frames =
                    decode(concat(media.initSegment(), media.mp4Fragment(i, START, 1)), "mp4");
            assertThat(indices(frames)).isEqualTo(range(first, media.frameCount(i)));
            assertThat(indices(decode(media.tsFragment(i, START), "mpegts")))
                    .isEqualTo(range(first, media.frameCount(i)));
            first += media.frameCount(i);
        }
    }

    @Test
    void loadsH264FromMpegTs(@TempDir Path dir) throws Exception {
        // A TS file made of the synthetic camera's TS fragments, in Annex B with in-band SPS/PPS.
        FragmentedMedia camera = SyntheticCamera.encode(320, 240, 15);
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < camera.fragmentCount(); i++) {
            parts.add(camera.tsFragment(i, START + 2000L * i));
        }
        Path ts = dir.resolve("camera.ts");
        Files.write(ts, concat(parts.toArray(new byte[0][])));
        FragmentedMedia media = FileMedia.load(ts);
        assertThat(media.codecId()).isEqualTo("V_MPEG/ISO/AVC");
        assertThat(media.hlsCodecs()).isEqualTo(camera.hlsCodecs());
        assertThat(media.fragmentCount()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(media.frameCount(i)).isEqualTo(30);
            List<ReferenceDecoding.Decoded> frames =
                    decode(concat(media.initSegment(), media.mp4Fragment(i, START, 1)), "mp4");
            assertThat(indices(frames)).isEqualTo(range(30 * i, 30));
        }
    }

    @Test
    void missingFileIsNamed() {
        Path missing = Paths.get("no/such/clip.mp4");
        assertThatThrownBy(() -> FileMedia.load(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("no/such/clip.mp4");
    }

    @Test
    void directoryAndGarbageAreRejected(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> FileMedia.load(dir)).hasMessageContaining("is a directory");
        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "this is not a video file at all, just some words".repeat(20));
        assertThatThrownBy(() -> FileMedia.load(text))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(text.toString())
                .hasMessageContaining("cannot be opened as media");
    }

    @Test
    void fileWithoutVideoIsRejected(@TempDir Path dir) throws IOException {
        Path wav = dir.resolve("tone.wav");
        Files.write(wav, wav(8000));
        assertThatThrownBy(() -> FileMedia.load(wav))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(wav.toString())
                .hasMessageContaining("no video track")
                .hasMessageContaining("pcm_s16le");
    }

    @Test
    void unsupportedCodecIsRejected(@TempDir Path dir) throws Exception {
        Path mjpeg = dir.resolve("clip.mkv");
        recordSynthetic(mjpeg, "matroska", "mjpeg", 3, 1);
        assertThatThrownBy(() -> FileMedia.load(mjpeg))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(mjpeg.toString())
                .hasMessageContaining("video codec mjpeg is not supported");
    }

    @Test
    void packetsWithoutKeyFramesAreRejected() {
        List<AVPacket> packets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                AVPacket p = av_packet_alloc();
                p.pts(i * 1024L).dts(i * 1024L).duration(1024).flags(0);
                packets.add(p);
            }
            assertThatThrownBy(
                            () ->
                                    Fragmenter.group(
                                            packets,
                                            av_make_q(1, 15360),
                                            15,
                                            Fragmenter.Cut.byDuration(2_000_000),
                                            "clip.ts"))
                    .isInstanceOf(IOException.class)
                    .hasMessage(
                            "clip.ts: no key frames in 5 video frames, so no fragment can start");
        } finally {
            packets.forEach(p -> av_packet_free(p));
        }
    }

    @Test
    void rejectsBadDuration() {
        assertThatThrownBy(() -> FileMedia.load(H265, java.time.Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targetFragmentDuration is PT0.005S");
    }

    private static void recordSynthetic(Path file, String format, String codec, int frames, int gop)
            throws Exception {
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), 320, 240, 0);
        try (Frame frame = new Frame(320, 240, Frame.DEPTH_UBYTE, 3)) {
            recorder.setFormat(format);
            recorder.setVideoCodecName(codec);
            recorder.setPixelFormat(
                    codec.equals("mjpeg") ? avutil.AV_PIX_FMT_YUVJ420P : avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(15);
            recorder.setGopSize(gop);
            recorder.setVideoBitrate(300_000);
            recorder.start();
            byte[] bgr = new byte[320 * 240 * 3];
            ByteBuffer image = (ByteBuffer) frame.image[0];
            for (int i = 0; i < frames; i++) {
                SyntheticCamera.render(bgr, 320, 240, i);
                for (int y = 0; y < 240; y++) {
                    image.position(y * frame.imageStride);
                    image.put(bgr, y * 960, 960);
                }
                image.position(0);
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        } finally {
            recorder.release();
        }
    }

    /** A mono 16-bit PCM WAV file: media FFmpeg opens, with no video in it. */
    private static byte[] wav(int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples);
        b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1);
        b.putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(i * 0.3) * 8000));
        }
        return b.array();
    }
}
