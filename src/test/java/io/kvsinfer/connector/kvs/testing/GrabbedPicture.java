package io.kvsinfer.connector.kvs.testing;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;

import java.lang.reflect.Field;

/**
 * The AVFrame a grabber decoded last, for its raw pts: JavaCV exposes only {@code Frame.timestamp},
 * which overflows for epoch times at a 90 kHz timescale.
 */
public final class GrabbedPicture {

    private static final Field PICTURE;

    static {
        try {
            PICTURE = FFmpegFrameGrabber.class.getDeclaredField("picture");
            PICTURE.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private GrabbedPicture() {}

    public static AVFrame of(FFmpegFrameGrabber grabber) throws IllegalAccessException {
        return (AVFrame) PICTURE.get(grabber);
    }
}
