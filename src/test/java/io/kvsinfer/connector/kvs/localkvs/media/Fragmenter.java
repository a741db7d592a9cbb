package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/**
 * Remuxes (never re-encodes) the first video track of a file into fragments that each start with a
 * key frame: one fMP4 init segment plus, per fragment, {@code moof}+{@code mdat} bytes and a
 * standalone MPEG-TS segment. Runs once per media; the result is served by {@link PreparedMedia}.
 *
 * <p>The fMP4 output (see {@link InMemoryMuxer}) is split by walking its top-level boxes: the init
 * segment is {@code ftyp}+{@code moov}, each fragment one {@code moof} with its {@code mdat}.
 */
@Internal
final class Fragmenter {

    private static final AVRational MICROS = av_make_q(1, 1_000_000);

    /**
     * Where fragments end: at a key frame after a target duration, after an exact frame count, or
     * ({@code anyFrame}) at the first frame after the target duration that no frame decoded before
     * it is presented after, key frame or not, as producers cut with key-frame fragmentation off
     * (GStreamer's kvssink); such fragments start mid-GOP and need the one before to decode.
     */
    record Cut(long targetMicros, int framesPerFragment, boolean anyFrame) {
        static Cut byDuration(long targetMicros) {
            checkTarget(targetMicros);
            return new Cut(targetMicros, 0, false);
        }

        static Cut byDurationAtAnyFrame(long targetMicros) {
            checkTarget(targetMicros);
            return new Cut(targetMicros, 0, true);
        }

        static Cut byFrames(int frames) {
            Preconditions.checkArgument(
                    frames > 0, "frames per fragment is %s but must be positive", frames);
            return new Cut(0, frames, false);
        }

        private static void checkTarget(long targetMicros) {
            Preconditions.checkArgument(
                    targetMicros > 0, "targetMicros is %s but must be positive", targetMicros);
        }
    }

    private Fragmenter() {}

    static PreparedMedia fragment(Path file, Cut cut) throws IOException {
        return fragment(file, cut, false);
    }

    /**
     * As {@link #fragment(Path, Cut)}; with {@code withAudio} the file's first AAC track is kept
     * too: each fragment takes the audio packets that start from its first frame up to the next
     * fragment's, in its MPEG-TS segment (a second PID) and as a separate fMP4 audio track.
     */
    static PreparedMedia fragment(Path file, Cut cut, boolean withAudio) throws IOException {
        String name = file.toString();
        AVFormatContext in = new AVFormatContext(null);
        // A file: URL, so that a name like "x:y.mp4" is never taken for another FFmpeg protocol.
        check(
                avformat_open_input(in, "file:" + file.toAbsolutePath(), null, null),
                name,
                "cannot be opened as media");
        List<AVPacket> packets = new ArrayList<>();
        try {
            check(
                    avformat_find_stream_info(in, (PointerPointer<?>) null),
                    name,
                    "has unreadable stream information");
            AVStream video = firstVideo(in, name);
            AVCodecParameters par = video.codecpar();
            if (par.codec_id() != AV_CODEC_ID_H264 && par.codec_id() != AV_CODEC_ID_HEVC) {
                throw new IOException(
                        name
                                + ": video codec "
                                + avcodec_get_name(par.codec_id()).getString()
                                + " is not supported; KVS HLS serves only H.264 and H.265");
            }
            AVStream audio = withAudio ? firstAac(in, name) : null;
            readPackets(in, video.index(), audio == null ? -1 : audio.index(), packets, name);
            List<AVPacket> videoPackets = new ArrayList<>();
            List<AVPacket> audioPackets = new ArrayList<>();
            for (AVPacket p : packets) {
                (p.stream_index() == video.index() ? videoPackets : audioPackets).add(p);
            }
            AVRational timeBase = video.time_base();
            double frameRate = frameRate(video);
            List<List<AVPacket>> groups = group(videoPackets, timeBase, frameRate, cut, name);
            PreparedMedia media = mux(name, par, timeBase, frameRate, groups);
            return audio == null
                    ? media
                    : AudioTrack.add(name, media, video, audio, groups, audioPackets);
        } finally {
            for (AVPacket p : packets) {
                av_packet_free(p);
            }
            avformat_close_input(in);
        }
    }

    private static AVStream firstVideo(AVFormatContext in, String name) throws IOException {
        StringBuilder found = new StringBuilder();
        for (int i = 0; i < in.nb_streams(); i++) {
            AVStream st = in.streams(i);
            if (st.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                return st;
            }
            found.append(found.length() == 0 ? "" : ", ")
                    .append(avcodec_get_name(st.codecpar().codec_id()).getString());
        }
        throw new IOException(
                name
                        + ": no video track (streams found: "
                        + (found.length() == 0 ? "none" : found)
                        + ")");
    }

    private static AVStream firstAac(AVFormatContext in, String name) throws IOException {
        for (int i = 0; i < in.nb_streams(); i++) {
            AVStream st = in.streams(i);
            if (st.codecpar().codec_type() == AVMEDIA_TYPE_AUDIO
                    && st.codecpar().codec_id() == AV_CODEC_ID_AAC) {
                return st;
            }
        }
        throw new IOException(name + ": no AAC audio track; KVS HLS serves only AAC audio");
    }

    private static void readPackets(
            AVFormatContext in, int streamIndex, int audioIndex, List<AVPacket> out, String name)
            throws IOException {
        AVPacket pkt = av_packet_alloc();
        try {
            int ret;
            while ((ret = av_read_frame(in, pkt)) >= 0) {
                if (pkt.stream_index() == streamIndex || pkt.stream_index() == audioIndex) {
                    out.add(av_packet_clone(pkt));
                }
                av_packet_unref(pkt);
            }
            if (ret != AVERROR_EOF && out.isEmpty()) {
                check(ret, name, "cannot be read");
            }
        } finally {
            av_packet_free(pkt);
        }
    }

    private static double frameRate(AVStream st) {
        AVRational r = st.avg_frame_rate();
        if (r.num() > 0 && r.den() > 0) {
            return av_q2d(r);
        }
        r = st.r_frame_rate();
        return r.num() > 0 && r.den() > 0 ? av_q2d(r) : 0;
    }

    /**
     * Splits packets (in decode order) into groups as {@code cut} says, the first one at a key
     * frame; drops any lead-in.
     */
    static List<List<AVPacket>> group(
            List<AVPacket> packets, AVRational timeBase, double frameRate, Cut cut, String name)
            throws IOException {
        long halfFrameMicros = frameRate > 0 ? (long) (500_000 / frameRate) : 0;
        List<List<AVPacket>> groups = new ArrayList<>();
        List<AVPacket> current = null;
        long groupStart = 0;
        long latestPresented = Long.MIN_VALUE;
        for (AVPacket p : packets) {
            boolean key = (p.flags() & AV_PKT_FLAG_KEY) != 0;
            if (presentation(p) == AV_NOPTS_VALUE) {
                throw new IOException(
                        name + ": a video frame has no timestamp; cannot cut fragments by time");
            }
            long micros = av_rescale_q(presentation(p), timeBase, MICROS);
            boolean cutHere;
            if (current == null) {
                cutHere = key;
            } else if (cut.framesPerFragment() > 0) {
                cutHere = current.size() == cut.framesPerFragment();
                if (cutHere && !key) {
                    throw new IOException(
                            name
                                    + ": frame "
                                    + (groups.size() * cut.framesPerFragment())
                                    + " should start a fragment but is not a key frame");
                }
            } else {
                // A B-frame presented before a frame decoded earlier must stay with that frame's
                // fragment, or fragments would interleave in presentation order.
                boolean canStart = key || cut.anyFrame() && micros > latestPresented;
                cutHere = canStart && micros - groupStart >= cut.targetMicros() - halfFrameMicros;
            }
            latestPresented = Math.max(latestPresented, micros);
            if (cutHere) {
                current = new ArrayList<>();
                groups.add(current);
                groupStart = micros;
            }
            if (current != null) {
                current.add(p);
            }
        }
        if (groups.isEmpty()) {
            throw new IOException(
                    name
                            + ": "
                            + (packets.isEmpty()
                                    ? "no video frames"
                                    : "no key frames in " + packets.size() + " video frames")
                            + ", so no fragment can start");
        }
        return groups;
    }

    private static long presentation(AVPacket p) {
        return p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
    }

    private static PreparedMedia mux(
            String name,
            AVCodecParameters par,
            AVRational timeBase,
            double frameRate,
            List<List<AVPacket>> groups)
            throws IOException {
        boolean hevc = par.codec_id() == AV_CODEC_ID_HEVC;
        byte[] mp4 = InMemoryMuxer.remux(name, "mp4", par, timeBase, groups, hevc);
        List<IsoBoxes.Box> top = IsoBoxes.children(mp4, 0, mp4.length);
        byte[] init = null;
        List<byte[]> mp4Fragments = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            IsoBoxes.Box box = top.get(i);
            if (box.type().equals("moov")) {
                // Init = everything up to and including moov (ftyp + moov).
                init = Arrays.copyOfRange(mp4, 0, box.end());
            } else if (box.type().equals("moof")) {
                if (i + 1 >= top.size() || !top.get(i + 1).type().equals("mdat")) {
                    throw new IOException(name + ": muxer wrote a moof without its mdat");
                }
                mp4Fragments.add(Arrays.copyOfRange(mp4, box.start(), top.get(i + 1).end()));
            }
        }
        if (init == null || mp4Fragments.size() != groups.size()) {
            throw new IOException(
                    name
                            + ": expected an init and "
                            + groups.size()
                            + " fragments from the muxer, got "
                            + (init == null ? "no init" : "an init")
                            + " and "
                            + mp4Fragments.size());
        }
        long timescale = trackTimescale(init);
        AvcParameterSets avc =
                hevc || par.extradata_size() <= 0
                        ? null
                        : AvcParameterSets.fromAvcC(extradata(par));
        CodecStrings.Codec codec = CodecStrings.fromInit(init);

        List<PreparedMedia.Fragment> fragments = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            byte[] fragment = mp4Fragments.get(i);
            Mp4FragmentTiming timing = Mp4FragmentTiming.of(fragment);
            List<AVPacket> group = groups.get(i);
            if (timing.sampleCount() != group.size()) {
                throw new IOException(
                        name
                                + ": fragment "
                                + i
                                + " has "
                                + timing.sampleCount()
                                + " samples, "
                                + group.size()
                                + " packets were written");
            }
            List<AVPacket> tsGroup = selfContained(group, avc);
            byte[] ts;
            try {
                ts = InMemoryMuxer.remux(name, "mpegts", par, timeBase, List.of(tsGroup), hevc);
            } finally {
                if (tsGroup.get(0) != group.get(0)) {
                    av_packet_free(tsGroup.get(0));
                }
            }
            TsTiming.markDiscontinuities(ts);
            fragments.add(
                    new PreparedMedia.Fragment(
                            fragment,
                            timing,
                            ts,
                            TsTiming.of(ts),
                            group.size(),
                            Math.round(timing.durationTicks() * 1000.0 / timescale),
                            timing.originalDecodeTime()));
        }
        double rate = frameRate > 0 ? frameRate : averageRate(fragments);
        return new PreparedMedia(
                codec.codecId(),
                codec.hlsCodecs(),
                par.width(),
                par.height(),
                rate,
                init,
                timescale,
                fragments);
    }

    private static byte[] extradata(AVCodecParameters par) {
        byte[] bytes = new byte[par.extradata_size()];
        par.extradata().capacity(bytes.length).get(bytes);
        return bytes;
    }

    /**
     * The group with the H.264 parameter sets in front of its first packet if that is a key frame
     * without an IDR slice (FFmpeg's MPEG-TS muxer repeats them before IDR frames only), so that
     * every TS fragment that starts with a key frame decodes by itself.
     */
    private static List<AVPacket> selfContained(List<AVPacket> group, AvcParameterSets avc)
            throws IOException {
        AVPacket first = group.get(0);
        if (avc == null || (first.flags() & AV_PKT_FLAG_KEY) == 0 || avc.holdsIdr(first)) {
            return group;
        }
        List<AVPacket> out = new ArrayList<>(group);
        out.set(0, avc.prependTo(first));
        return out;
    }

    private static double averageRate(List<PreparedMedia.Fragment> fragments) {
        long frames = 0;
        long millis = 0;
        for (PreparedMedia.Fragment f : fragments) {
            frames += f.frameCount();
            millis += f.durationMillis();
        }
        return millis > 0 ? frames * 1000.0 / millis : 0;
    }

    static long trackTimescale(byte[] init) {
        IsoBoxes.Box moov = null;
        for (IsoBoxes.Box box : IsoBoxes.children(init, 0, init.length)) {
            if (box.type().equals("moov")) {
                moov = box;
            }
        }
        IsoBoxes.Box mdhd = IsoBoxes.path(init, moov, "trak/mdia/mdhd");
        int version = init[mdhd.payload()];
        return IsoBoxes.u32(init, mdhd.payload() + (version == 1 ? 20 : 12));
    }

    static void check(int ret, String name, String what) throws IOException {
        if (ret < 0) {
            BytePointer message = new BytePointer(256);
            try {
                av_strerror(ret, message, 256);
                throw new IOException(name + ": " + what + " (" + message.getString() + ")");
            } finally {
                message.close();
            }
        }
    }
}
