package io.kvsinfer.connector.kvs.source;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Arrays;
import java.util.Objects;

/**
 * The default record of the source: one decoded frame of one camera, with its pixels packed row
 * after row in the configured {@link io.kvsinfer.connector.kvs.source.config.PixelFormat} (its name
 * in {@link #getPixelFormat()}; BGR24, {@code 3 * width * height} bytes, unless set). A Flink POJO,
 * so it is serialized without Kryo.
 *
 * <p>Once a frame has left the source, the source gives its pixel array to a later frame (Flink
 * lets a source reuse what it emitted) and sets this frame's data to null. Without object reuse,
 * operators see Flink's copy and nothing changes for them; with object reuse, an operator chained
 * to the source must not keep the frame after its call returns (Flink's rule for object reuse):
 * keep {@link #copy()} instead.
 */
@PublicEvolving
public class VideoFrame {

    private String cameraId;
    private String stream;
    private long timestampMillis;
    private String fragmentNumber;
    private int indexInFragment;
    private boolean keyFrame;
    private int width;
    private int height;
    private String pixelFormat;
    private byte[] data;

    public VideoFrame() {}

    public VideoFrame(
            String cameraId,
            String stream,
            long timestampMillis,
            String fragmentNumber,
            int indexInFragment,
            boolean keyFrame,
            int width,
            int height,
            String pixelFormat,
            byte[] data) {
        this.cameraId = cameraId;
        this.stream = stream;
        this.timestampMillis = timestampMillis;
        this.fragmentNumber = fragmentNumber;
        this.indexInFragment = indexInFragment;
        this.keyFrame = keyFrame;
        this.width = width;
        this.height = height;
        this.pixelFormat = pixelFormat;
        this.data = data;
    }

    /** The mapper behind the default record type: one packed copy of the pixels. */
    public static VideoFrame from(CameraFrame frame) {
        return withPixels(frame, frame.toPackedArray());
    }

    /**
     * The frame's camera, time and position with {@code pixels}, its packed pixels in the frame's
     * format.
     */
    public static VideoFrame withPixels(CameraFrame frame, byte[] pixels) {
        return new VideoFrame(
                frame.cameraId(),
                frame.stream(),
                frame.timestampMillis(),
                frame.fragmentNumber(),
                frame.indexInFragment(),
                frame.isKeyFrame(),
                frame.width(),
                frame.height(),
                frame.pixelFormat().name(),
                pixels);
    }

    public String getCameraId() {
        return cameraId;
    }

    public void setCameraId(String cameraId) {
        this.cameraId = cameraId;
    }

    public String getStream() {
        return stream;
    }

    public void setStream(String stream) {
        this.stream = stream;
    }

    /** Producer (or server) timestamp of the frame in epoch milliseconds; the event time. */
    public long getTimestampMillis() {
        return timestampMillis;
    }

    public void setTimestampMillis(long timestampMillis) {
        this.timestampMillis = timestampMillis;
    }

    public String getFragmentNumber() {
        return fragmentNumber;
    }

    public void setFragmentNumber(String fragmentNumber) {
        this.fragmentNumber = fragmentNumber;
    }

    public int getIndexInFragment() {
        return indexInFragment;
    }

    public void setIndexInFragment(int indexInFragment) {
        this.indexInFragment = indexInFragment;
    }

    public boolean isKeyFrame() {
        return keyFrame;
    }

    public void setKeyFrame(boolean keyFrame) {
        this.keyFrame = keyFrame;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    public String getPixelFormat() {
        return pixelFormat;
    }

    public void setPixelFormat(String pixelFormat) {
        this.pixelFormat = pixelFormat;
    }

    public byte[] getData() {
        return data;
    }

    public void setData(byte[] data) {
        this.data = data;
    }

    /** A deep copy, with its own pixel array, to keep beyond the call that received this frame. */
    public VideoFrame copy() {
        return new VideoFrame(
                cameraId,
                stream,
                timestampMillis,
                fragmentNumber,
                indexInFragment,
                keyFrame,
                width,
                height,
                pixelFormat,
                data == null ? null : data.clone());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VideoFrame)) {
            return false;
        }
        VideoFrame that = (VideoFrame) o;
        return timestampMillis == that.timestampMillis
                && indexInFragment == that.indexInFragment
                && keyFrame == that.keyFrame
                && width == that.width
                && height == that.height
                && Objects.equals(cameraId, that.cameraId)
                && Objects.equals(stream, that.stream)
                && Objects.equals(fragmentNumber, that.fragmentNumber)
                && Objects.equals(pixelFormat, that.pixelFormat)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, timestampMillis, fragmentNumber, indexInFragment);
    }

    @Override
    public String toString() {
        return "VideoFrame{camera="
                + cameraId
                + ", ts="
                + timestampMillis
                + ", fragment="
                + fragmentNumber
                + "#"
                + indexInFragment
                + (keyFrame ? " key" : "")
                + ", "
                + width
                + "x"
                + height
                + "}";
    }
}
