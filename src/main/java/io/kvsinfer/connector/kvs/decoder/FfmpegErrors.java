package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** Turns FFmpeg's negative return codes into the text FFmpeg gives for them. */
@Internal
final class FfmpegErrors {

    private FfmpegErrors() {}

    /** For example {@code "Invalid data found when processing input (-1094995529)"}. */
    static String describe(int code) {
        byte[] text = new byte[256];
        if (av_strerror(code, text, text.length) < 0) {
            return "FFmpeg error " + code;
        }
        int length = 0;
        while (length < text.length && text[length] != 0) {
            length++;
        }
        return new String(text, 0, length, java.nio.charset.StandardCharsets.US_ASCII)
                + " ("
                + code
                + ")";
    }
}
