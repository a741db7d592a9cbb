package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;

import javax.annotation.Nullable;

import java.time.Duration;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;

/**
 * Tells, by demuxing alone (no decoding), whether a fragment's first video packet is a key frame:
 * where decoding a stream can start. Bad input is simply not a key-frame start.
 */
@Internal
public final class KeyFrameProbe {

    private static final Duration LIMIT = Duration.ofSeconds(5);

    private KeyFrameProbe() {}

    /** Whether the first video packet of {@code fragment} is a key frame. */
    public static boolean startsWithKeyFrame(
            InputFormat format, @Nullable byte[] initSegment, byte[] fragment) {
        boolean mpegTs = format == InputFormat.MPEG_TS;
        DecodeBudget budget = new DecodeBudget(LIMIT);
        budget.enter();
        AVPacket packet = av_packet_alloc();
        try {
            FragmentFraming.check(mpegTs, initSegment, fragment);
            try (MemoryInput input =
                    MemoryInput.open(
                            format.demuxer(),
                            initSegment == null ? new byte[0] : initSegment,
                            fragment,
                            budget)) {
                while (!budget.exhausted()) {
                    if (input.readPacket(packet) < 0) {
                        return false;
                    }
                    AVStream video = input.firstVideoStream();
                    boolean isVideo = video != null && packet.stream_index() == video.index();
                    boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
                    av_packet_unref(packet);
                    if (isVideo) {
                        return key;
                    }
                }
                return false;
            }
        } catch (CorruptFragmentException e) {
            return false;
        } finally {
            av_packet_free(packet);
            budget.exit();
        }
    }
}
