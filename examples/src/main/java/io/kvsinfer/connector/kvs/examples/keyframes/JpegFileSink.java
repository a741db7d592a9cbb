package io.kvsinfer.connector.kvs.examples.keyframes;

import io.kvsinfer.connector.kvs.compat.WriterSink;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Writes each frame as {@code <dir>/<camera id>/<timestamp ms>.jpg}. */
public final class JpegFileSink extends WriterSink<VideoFrame> {
    private static final long serialVersionUID = 1L;

    private final String directory;

    public JpegFileSink(Path directory) {
        this.directory = directory.toString();
    }

    @Override
    public SinkWriter<VideoFrame> createWriter(WriterInitContext context) {
        Path root = Paths.get(directory);
        return new SinkWriter<>() {
            @Override
            public void write(VideoFrame frame, Context context) throws IOException {
                Path dir = Files.createDirectories(root.resolve(frame.getCameraId()));
                ImageIO.write(
                        toImage(frame),
                        "jpg",
                        dir.resolve(frame.getTimestampMillis() + ".jpg").toFile());
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /**
     * The frame's packed BGR24 bytes as an image, without conversion (TYPE_3BYTE_BGR is BGR too).
     */
    static BufferedImage toImage(VideoFrame frame) {
        BufferedImage image =
                new BufferedImage(
                        frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        if (target.length != frame.getData().length) {
            throw new UncheckedIOException(
                    new IOException(
                            "Frame of camera "
                                    + frame.getCameraId()
                                    + " has "
                                    + frame.getData().length
                                    + " bytes, expected "
                                    + target.length
                                    + " for BGR24"));
        }
        System.arraycopy(frame.getData(), 0, target, 0, target.length);
        return image;
    }
}
