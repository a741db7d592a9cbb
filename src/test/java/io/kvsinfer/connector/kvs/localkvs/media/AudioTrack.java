package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

/**
 * Adds an AAC track to media the {@link Fragmenter} cut: the audio packets are split at the video
 * fragments' start times, muxed into each fragment's MPEG-TS segment (a second PID, as KVS's TS
 * fragments carry every track) and, apart, into an fMP4 audio track (KVS serves one fMP4 track per
 * media playlist: TrackNumber=2 is the audio).
 */
@Internal
final class AudioTrack {

    private static final AVRational MICROS = av_make_q(1, 1_000_000);

    private AudioTrack() {}

    static PreparedMedia add(
            String name,
            PreparedMedia video,
            AVStream videoStream,
            AVStream audioStream,
            List<List<AVPacket>> videoGroups,
            List<AVPacket> audioPackets)
            throws IOException {
        AVRational videoBase = videoStream.time_base();
        AVRational audioBase = audioStream.time_base();
        int groups = videoGroups.size();
        long[] starts = new long[groups];
        for (int g = 0; g < groups; g++) {
            long first = Long.MAX_VALUE;
            for (AVPacket p : videoGroups.get(g)) {
                first = Math.min(first, presentation(p));
            }
            starts[g] = av_rescale_q(first, videoBase, MICROS);
        }
        List<List<AVPacket>> audioGroups = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            audioGroups.add(new ArrayList<>());
        }
        long lastVideoEnd = starts[groups - 1] + video.durationMillis(groups - 1) * 1000L;
        for (AVPacket p : audioPackets) {
            if (presentation(p) == AV_NOPTS_VALUE) {
                throw new IOException(name + ": an audio packet has no timestamp");
            }
            long micros = av_rescale_q(presentation(p), audioBase, MICROS);
            if (micros >= lastVideoEnd) {
                continue;
            }
            int g = 0;
            while (g + 1 < groups && starts[g + 1] <= micros) {
                g++;
            }
            audioGroups.get(g).add(p);
        }
        for (int g = 0; g < groups; g++) {
            if (audioGroups.get(g).isEmpty()) {
                throw new IOException(name + ": fragment " + g + " has no audio packets");
            }
        }

        AVCodecParameters audioPar = audioStream.codecpar();
        InMemoryMuxer.Track audioTrack =
                new InMemoryMuxer.Track(audioPar, audioBase, audioStream.index(), false);
        byte[] mp4 = InMemoryMuxer.remux(name, "mp4", List.of(audioTrack), audioGroups);
        List<IsoBoxes.Box> top = IsoBoxes.children(mp4, 0, mp4.length);
        byte[] init = null;
        List<byte[]> fragments = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            IsoBoxes.Box box = top.get(i);
            if (box.type().equals("moov")) {
                init = Arrays.copyOfRange(mp4, 0, box.end());
            } else if (box.type().equals("moof") && i + 1 < top.size()) {
                fragments.add(Arrays.copyOfRange(mp4, box.start(), top.get(i + 1).end()));
            }
        }
        if (init == null || fragments.size() != groups) {
            throw new IOException(
                    name
                            + ": the audio muxer wrote "
                            + fragments.size()
                            + " of "
                            + groups
                            + " fragments");
        }
        long timescale = Fragmenter.trackTimescale(init);

        boolean hevc = videoStream.codecpar().codec_id() == AV_CODEC_ID_HEVC;
        InMemoryMuxer.Track videoTrack =
                new InMemoryMuxer.Track(
                        videoStream.codecpar(), videoBase, videoStream.index(), hevc);
        List<PreparedMedia.Fragment> withTs = new ArrayList<>();
        List<PreparedMedia.AudioFragment> audio = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<AVPacket> both = new ArrayList<>(videoGroups.get(g));
            both.addAll(audioGroups.get(g));
            byte[] ts =
                    InMemoryMuxer.remux(
                            name, "mpegts", List.of(videoTrack, audioTrack), List.of(both));
            TsTiming.markDiscontinuities(ts);
            PreparedMedia.Fragment f = video.fragment(g);
            withTs.add(
                    new PreparedMedia.Fragment(
                            f.mp4(),
                            f.mp4Timing(),
                            ts,
                            TsTiming.of(ts),
                            f.frameCount(),
                            f.durationMillis(),
                            f.originalDecodeTime()));
            long audioStart =
                    av_rescale_q(presentation(audioGroups.get(g).get(0)), audioBase, MICROS);
            audio.add(
                    new PreparedMedia.AudioFragment(
                            fragments.get(g),
                            Mp4FragmentTiming.of(fragments.get(g)),
                            audioStart - starts[g]));
        }
        return new PreparedMedia(
                video.codecId(),
                video.hlsCodecs(),
                video.width(),
                video.height(),
                video.frameRate(),
                video.initSegment(),
                video.timescale(),
                withTs,
                new PreparedMedia.Audio(codecString(audioPar), init, timescale, audio));
    }

    /** {@code mp4a.40.<audio object type>} from the AudioSpecificConfig; 2 is AAC-LC. */
    static String codecString(AVCodecParameters par) {
        int objectType = 2;
        if (par.extradata() != null && par.extradata_size() >= 1) {
            objectType = (par.extradata().get(0) & 0xFF) >> 3;
        }
        return "mp4a.40." + objectType;
    }

    private static long presentation(AVPacket p) {
        return p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
    }
}
