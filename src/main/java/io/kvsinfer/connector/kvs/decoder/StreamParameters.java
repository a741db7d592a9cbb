package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a decoder is set up from: a video stream's codec, picture size and format, codec
 * configuration (extradata: SPS and PPS for H.264) and time base, copied to the heap so that two
 * fragments' streams can be compared after the first one's demuxer is gone.
 */
@Internal
final class StreamParameters {

    private static final byte[] NONE = new byte[0];

    private final int codecId;
    private final int format;
    private final int width;
    private final int height;
    private final int timeBaseNum;
    private final int timeBaseDen;
    private final byte[] extradata;

    private StreamParameters(
            int codecId,
            int format,
            int width,
            int height,
            int timeBaseNum,
            int timeBaseDen,
            byte[] extradata) {
        this.codecId = codecId;
        this.format = format;
        this.width = width;
        this.height = height;
        this.timeBaseNum = timeBaseNum;
        this.timeBaseDen = timeBaseDen;
        this.extradata = extradata;
    }

    static StreamParameters of(AVStream stream) {
        AVCodecParameters codec = stream.codecpar();
        AVRational timeBase = stream.time_base();
        byte[] extradata = NONE;
        int size = codec.extradata_size();
        if (size > 0 && codec.extradata() != null) {
            extradata = new byte[size];
            codec.extradata().get(extradata);
        }
        return new StreamParameters(
                codec.codec_id(),
                codec.format(),
                codec.width(),
                codec.height(),
                timeBase.num(),
                timeBase.den(),
                extradata);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof StreamParameters)) {
            return false;
        }
        StreamParameters that = (StreamParameters) other;
        return codecId == that.codecId
                && format == that.format
                && width == that.width
                && height == that.height
                && timeBaseNum == that.timeBaseNum
                && timeBaseDen == that.timeBaseDen
                && Arrays.equals(extradata, that.extradata);
    }

    /**
     * Whether a stream's next fragment with these parameters goes on in a decoder set up from
     * {@code previous}: the same, or the same codec and time base with no configuration of its own
     * (an MPEG-TS fragment cut mid-GOP carries no parameter sets, so FFmpeg learns neither size nor
     * extradata from it).
     */
    boolean continues(StreamParameters previous) {
        if (equals(previous)) {
            return true;
        }
        return codecId == previous.codecId
                && timeBaseNum == previous.timeBaseNum
                && timeBaseDen == previous.timeBaseDen
                && extradata.length == 0
                && (width == 0 || width == previous.width)
                && (height == 0 || height == previous.height);
    }

    @Override
    public int hashCode() {
        return Objects.hash(codecId, width, height) * 31 + Arrays.hashCode(extradata);
    }
}
