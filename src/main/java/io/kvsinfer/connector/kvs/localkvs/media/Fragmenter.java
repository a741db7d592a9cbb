package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_close_dyn_buf;
import static org.bytedeco.ffmpeg.global.avformat.avio_open_dyn_buf;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/**
 * Remuxes (never re-encodes) the first video track of a file into fragments that each start with a
 * key frame: one fMP4 init segment plus, per fragment, {@code moof}+{@code mdat} bytes and a
 * standalone MPEG-TS segment. Runs once per media; the result is served by {@link PreparedMedia}.
 *
 * <p>fMP4 comes from FFmpeg's mp4 muxer with {@code frag_custom}: we flush exactly where we want a
 * fragment to end, then split the output by walking its top-level boxes. The track timescale is
 * 90 kHz, so epoch milliseconds convert exactly and fit a 64-bit {@code tfdt} for millennia.
 */
@Internal
final class Fragmenter {

    static final int TIMESCALE = 90_000;
    private static final AVRational MICROS = av_make_q(1, 1_000_000);

    /** Where fragments end: at a key frame after a target duration, or after an exact frame count. */
    record Cut(long targetMicros, int framesPerFragment) {
        static Cut byDuration(long targetMicros) {
            Preconditions.checkArgument(
                    targetMicros > 0, "targetMicros is %s but must be positive", targetMicros);
            return new Cut(targetMicros, 0);
        }

        static Cut byFrames(int frames) {
            Preconditions.checkArgument(frames > 0, "frames per fragment is %s but must be positive", frames);
            return new Cut(0, frames);
        }
    }

    private Fragmenter() {}

    static PreparedMedia fragment(Path file, Cut cut) throws IOException {
        String name = file.toString();
        AVFormatContext in = new AVFormatContext(null);
        check(avformat_open_input(in, name, null, null), name, "cannot be opened as media");
        List<AVPacket> packets = new ArrayList<>();
        try {
            check(avformat_find_stream_info(in, (PointerPointer<?>) null), name, "has unreadable stream information");
            AVStream video = firstVideo(in, name);
            AVCodecParameters par = video.codecpar();
            if (par.codec_id() != AV_CODEC_ID_H264 && par.codec_id() != AV_CODEC_ID_HEVC) {
                throw new IOException(name + ": video codec " + avcodec_get_name(par.codec_id()).getString()
                        + " is not supported; KVS HLS serves only H.264 and H.265");
            }
            readPackets(in, video.index(), packets, name);
            AVRational timeBase = video.time_base();
            double frameRate = frameRate(video);
            List<List<AVPacket>> groups = group(packets, timeBase, frameRate, cut, name);
            return mux(name, par, timeBase, frameRate, groups);
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
            found.append(found.length() == 0 ? "" : ", ").append(avcodec_get_name(st.codecpar().codec_id()).getString());
        }
        throw new IOException(name + ": no video track (streams found: "
                + (found.length() == 0 ? "none" : found) + ")");
    }

    private static void readPackets(AVFormatContext in, int streamIndex, List<AVPacket> out, String name)
            throws IOException {
        AVPacket pkt = av_packet_alloc();
        try {
            int ret;
            while ((ret = av_read_frame(in, pkt)) >= 0) {
                if (pkt.stream_index() == streamIndex) {
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

    /** Splits packets (in decode order) into groups that start at key frames; drops any lead-in. */
    static List<List<AVPacket>> group(
            List<AVPacket> packets, AVRational timeBase, double frameRate, Cut cut, String name)
            throws IOException {
        long halfFrameMicros = frameRate > 0 ? (long) (500_000 / frameRate) : 0;
        List<List<AVPacket>> groups = new ArrayList<>();
        List<AVPacket> current = null;
        long groupStart = 0;
        for (AVPacket p : packets) {
            boolean key = (p.flags() & AV_PKT_FLAG_KEY) != 0;
            long micros = av_rescale_q(presentation(p), timeBase, MICROS);
            boolean cutHere;
            if (current == null) {
                cutHere = key;
            } else if (cut.framesPerFragment() > 0) {
                cutHere = current.size() == cut.framesPerFragment();
                if (cutHere && !key) {
                    throw new IOException(name + ": frame " + (groups.size() * cut.framesPerFragment())
                            + " should start a fragment but is not a key frame");
                }
            } else {
                cutHere = key && micros - groupStart >= cut.targetMicros() - halfFrameMicros;
            }
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
            throw new IOException(name + ": " + (packets.isEmpty() ? "no video frames" : "no key frames in "
                    + packets.size() + " video frames") + ", so no fragment can start");
        }
        return groups;
    }

    private static long presentation(AVPacket p) {
        return p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
    }

    private static PreparedMedia mux(
            String name, AVCodecParameters par, AVRational timeBase, double frameRate, List<List<AVPacket>> groups)
            throws IOException {
        boolean hevc = par.codec_id() == AV_CODEC_ID_HEVC;
        byte[] mp4 = remux(name, "mp4", par, timeBase, groups, hevc);
        List<IsoBoxes.Box> top = IsoBoxes.children(mp4, 0, mp4.length);
        byte[] init = null;
        List<byte[]> mp4Fragments = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            IsoBoxes.Box box = top.get(i);
            if (box.type().equals("moov")) {
                // Init = everything up to and including moov (ftyp + moov).
                init = java.util.Arrays.copyOfRange(mp4, 0, box.end());
            } else if (box.type().equals("moof")) {
                if (i + 1 >= top.size() || !top.get(i + 1).type().equals("mdat")) {
                    throw new IOException(name + ": muxer wrote a moof without its mdat");
                }
                mp4Fragments.add(java.util.Arrays.copyOfRange(mp4, box.start(), top.get(i + 1).end()));
            }
        }
        if (init == null || mp4Fragments.size() != groups.size()) {
            throw new IOException(name + ": expected an init and " + groups.size() + " fragments from the muxer, got "
                    + (init == null ? "no init" : "an init") + " and " + mp4Fragments.size());
        }
        long timescale = trackTimescale(init);
        CodecStrings.Codec codec = CodecStrings.fromInit(init);

        List<PreparedMedia.Fragment> fragments = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            byte[] fragment = mp4Fragments.get(i);
            Mp4FragmentTiming timing = Mp4FragmentTiming.of(fragment);
            List<AVPacket> group = groups.get(i);
            if (timing.sampleCount() != group.size()) {
                throw new IOException(name + ": fragment " + i + " has " + timing.sampleCount() + " samples, "
                        + group.size() + " packets were written");
            }
            byte[] ts = remux(name, "mpegts", par, timeBase, List.of(group), hevc);
            TsTiming.markDiscontinuities(ts);
            fragments.add(new PreparedMedia.Fragment(
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
                codec.codecId(), codec.hlsCodecs(), par.width(), par.height(), rate, init, timescale, fragments);
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

    /**
     * Remuxes groups of packets into one in-memory output. For mp4 each group is flushed as its own
     * fragment; for mpegts there is one group and FFmpeg adds the Annex B conversion by itself.
     */
    private static byte[] remux(
            String name,
            String format,
            AVCodecParameters par,
            AVRational timeBase,
            List<List<AVPacket>> groups,
            boolean hevc)
            throws IOException {
        AVFormatContext out = new AVFormatContext(null);
        check(avformat_alloc_output_context2(out, null, format, null), name, "cannot create a " + format + " muxer");
        AVIOContext pb = new AVIOContext(null);
        boolean ioOpen = false;
        AVPacket copy = av_packet_alloc();
        try {
            AVStream st = avformat_new_stream(out, null);
            check(avcodec_parameters_copy(st.codecpar(), par), name, "cannot copy codec parameters");
            // Let the muxer pick its own tag, except HEVC in MP4: hvc1 (parameter sets out of band)
            // is what Apple's HLS and KVS use.
            st.codecpar().codec_tag(hevc && format.equals("mp4") ? mkTag('h', 'v', 'c', '1') : 0);
            st.time_base(av_make_q(1, TIMESCALE));
            check(avio_open_dyn_buf(pb), name, "cannot open an in-memory output");
            ioOpen = true;
            out.pb(pb);
            AVDictionary options = new AVDictionary(null);
            if (format.equals("mp4")) {
                av_dict_set(options, "movflags", "frag_custom+empty_moov+default_base_moof", 0);
                av_dict_set(options, "video_track_timescale", Integer.toString(TIMESCALE), 0);
            }
            try {
                check(avformat_write_header(out, options), name, "cannot write a " + format + " header");
            } finally {
                av_dict_free(options);
            }
            AVRational outBase = st.time_base();
            for (List<AVPacket> group : groups) {
                for (AVPacket p : group) {
                    check(av_packet_ref(copy, p), name, "cannot copy a packet");
                    copy.stream_index(0);
                    copy.pos(-1);
                    av_packet_rescale_ts(copy, timeBase, outBase);
                    int ret = av_write_frame(out, copy);
                    av_packet_unref(copy);
                    check(ret, name, "cannot write a packet to " + format);
                }
                if (format.equals("mp4")) {
                    check(av_write_frame(out, null), name, "cannot flush an mp4 fragment");
                }
            }
            check(av_write_trailer(out), name, "cannot finish " + format);
            ioOpen = false;
            return closeDynBuf(out.pb());
        } finally {
            av_packet_free(copy);
            if (ioOpen) {
                closeDynBuf(out.pb());
            }
            out.pb(null);
            avformat_free_context(out);
        }
    }

    private static int av_packet_ref(AVPacket dst, AVPacket src) {
        return org.bytedeco.ffmpeg.global.avcodec.av_packet_ref(dst, src);
    }

    private static byte[] closeDynBuf(AVIOContext pb) {
        BytePointer buffer = new BytePointer((Pointer) null);
        int size = avio_close_dyn_buf(pb, buffer);
        try {
            byte[] bytes = new byte[Math.max(size, 0)];
            if (size > 0) {
                buffer.capacity(size).get(bytes);
            }
            return bytes;
        } finally {
            av_free(buffer);
        }
    }

    private static int mkTag(char a, char b, char c, char d) {
        return a | (b << 8) | (c << 16) | (d << 24);
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
