package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.io.IOException;
import java.util.List;

import static io.kvsinfer.connector.kvs.localkvs.media.Fragmenter.check;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_ref;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_close_dyn_buf;
import static org.bytedeco.ffmpeg.global.avformat.avio_open_dyn_buf;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

/**
 * Remuxes packets (no re-encoding) into an mp4 or mpegts byte array in memory, through FFmpeg's
 * dynamic buffer I/O, so no temporary files are involved.
 *
 * <p>fMP4 uses {@code frag_custom+empty_moov+default_base_moof}: we flush exactly where a fragment
 * must end instead of trusting the muxer's own cutting rules. The track timescale is 90 kHz, so
 * epoch milliseconds convert exactly and fit a 64-bit {@code tfdt} for millennia.
 */
@Internal
final class InMemoryMuxer {

    static final int TIMESCALE = 90_000;

    private InMemoryMuxer() {}

    /**
     * Remuxes groups of packets into one in-memory output. For mp4 each group is flushed as its own
     * fragment; for mpegts there is one group and FFmpeg adds the Annex B conversion by itself.
     */
    static byte[] remux(
            String name,
            String format,
            AVCodecParameters par,
            AVRational timeBase,
            List<List<AVPacket>> groups,
            boolean hevc)
            throws IOException {
        return remux(name, format, List.of(new Track(par, timeBase, -1, hevc)), groups);
    }

    /**
     * An input track: its codec parameters, the time base of its packets and the stream index its
     * packets carry ({@code -1}: every packet belongs to this, the only track).
     */
    record Track(AVCodecParameters par, AVRational timeBase, int sourceIndex, boolean hevc) {}

    /**
     * Remuxes packets of one or more tracks (video and audio) into one output, the output streams
     * in the order of {@code tracks}. With several tracks the muxer interleaves the packets by
     * time.
     */
    static byte[] remux(String name, String format, List<Track> tracks, List<List<AVPacket>> groups)
            throws IOException {
        AVFormatContext out = new AVFormatContext(null);
        check(
                avformat_alloc_output_context2(out, null, format, null),
                name,
                "cannot create a " + format + " muxer");
        AVIOContext pb = new AVIOContext(null);
        boolean ioOpen = false;
        AVPacket copy = av_packet_alloc();
        try {
            for (Track track : tracks) {
                AVStream st = avformat_new_stream(out, null);
                check(
                        avcodec_parameters_copy(st.codecpar(), track.par()),
                        name,
                        "cannot copy codec parameters");
                // Let the muxer pick its own tag, except HEVC in MP4: hvc1 (parameter sets out of
                // band) is what Apple's HLS and KVS use.
                st.codecpar()
                        .codec_tag(
                                track.hevc() && format.equals("mp4")
                                        ? mkTag('h', 'v', 'c', '1')
                                        : 0);
                boolean audio = track.par().codec_type() == AVMEDIA_TYPE_AUDIO;
                st.time_base(av_make_q(1, audio ? track.par().sample_rate() : TIMESCALE));
            }
            check(avio_open_dyn_buf(pb), name, "cannot open an in-memory output");
            ioOpen = true;
            out.pb(pb);
            AVDictionary options = new AVDictionary(null);
            if (format.equals("mp4")) {
                av_dict_set(options, "movflags", "frag_custom+empty_moov+default_base_moof", 0);
                av_dict_set(options, "video_track_timescale", Integer.toString(TIMESCALE), 0);
            }
            try {
                check(
                        avformat_write_header(out, options),
                        name,
                        "cannot write a " + format + " header");
            } finally {
                av_dict_free(options);
            }
            boolean interleave = tracks.size() > 1;
            for (List<AVPacket> group : groups) {
                for (AVPacket p : group) {
                    int target = outputIndex(tracks, p.stream_index());
                    if (target < 0) {
                        continue;
                    }
                    check(av_packet_ref(copy, p), name, "cannot copy a packet");
                    copy.stream_index(target);
                    copy.pos(-1);
                    av_packet_rescale_ts(
                            copy, tracks.get(target).timeBase(), out.streams(target).time_base());
                    int ret =
                            interleave
                                    ? av_interleaved_write_frame(out, copy)
                                    : av_write_frame(out, copy);
                    av_packet_unref(copy);
                    check(ret, name, "cannot write a packet to " + format);
                }
                if (format.equals("mp4")) {
                    if (interleave) {
                        check(
                                av_interleaved_write_frame(out, null),
                                name,
                                "cannot flush interleaved packets");
                    }
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

    private static int outputIndex(List<Track> tracks, int streamIndex) {
        for (int i = 0; i < tracks.size(); i++) {
            int source = tracks.get(i).sourceIndex();
            if (source < 0 || source == streamIndex) {
                return i;
            }
        }
        return -1;
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
}
