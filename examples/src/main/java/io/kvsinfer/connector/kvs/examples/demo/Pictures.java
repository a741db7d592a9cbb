package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.VideoFrame;

import javax.imageio.ImageIO;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** JPEG snapshots and the contact sheet, with {@code javax.imageio} and Java2D only. */
final class Pictures {

    /**
     * Size of one camera's tile on the contact sheet; frames are scaled to fit, keeping their
     * aspect.
     */
    static final int TILE_WIDTH = 640;

    static final int TILE_HEIGHT = 360;

    static final DateTimeFormatter LABEL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private Pictures() {}

    /**
     * The frame's BGR24 pixels as an image, without conversion: TYPE_3BYTE_BGR stores exactly that.
     */
    static BufferedImage toImage(VideoFrame frame) {
        BufferedImage image =
                new BufferedImage(
                        frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(
                frame.getData(), 0, target, 0, Math.min(target.length, frame.getData().length));
        return image;
    }

    /** A file name for a snapshot of this camera at this frame time, safe for any camera id. */
    static String snapshotName(String cameraId, long timestampMillis) {
        return safeName(cameraId)
                + "-"
                + FILE_TIME.format(Instant.ofEpochMilli(timestampMillis))
                + ".jpg";
    }

    static String safeName(String cameraId) {
        return cameraId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static void writeJpeg(VideoFrame frame, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        if (!ImageIO.write(toImage(frame), "jpg", partial.toFile())) {
            throw new IOException("no JPEG writer in this JRE");
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Columns of the contact sheet for this many cameras: one row up to three, then a square-ish
     * grid.
     */
    static int columns(int cameras) {
        return cameras <= 3 ? Math.max(1, cameras) : (int) Math.ceil(Math.sqrt(cameras));
    }

    static int rows(int cameras) {
        int columns = columns(cameras);
        return Math.max(1, (cameras + columns - 1) / columns);
    }

    /**
     * One tile per camera, in order: the latest frame (or a grey tile) with the camera id and frame
     * time.
     */
    static BufferedImage contactSheet(List<String> cameraIds, List<VideoFrame> latest) {
        int columns = columns(cameraIds.size());
        int rows = rows(cameraIds.size());
        BufferedImage sheet =
                new BufferedImage(
                        columns * TILE_WIDTH, rows * TILE_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(new Color(24, 24, 24));
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            for (int i = 0; i < cameraIds.size(); i++) {
                int x = (i % columns) * TILE_WIDTH;
                int y = (i / columns) * TILE_HEIGHT;
                VideoFrame frame = latest.get(i);
                String label;
                if (frame == null) {
                    g.setColor(new Color(60, 60, 60));
                    g.fillRect(x, y, TILE_WIDTH, TILE_HEIGHT);
                    label = cameraIds.get(i) + "   no frames";
                } else {
                    drawFitted(g, toImage(frame), x, y);
                    label =
                            cameraIds.get(i)
                                    + "   "
                                    + LABEL_TIME.format(
                                            Instant.ofEpochMilli(frame.getTimestampMillis()));
                }
                drawLabel(g, label, x, y);
            }
            // Thin separators between tiles.
            g.setColor(Color.BLACK);
            for (int c = 1; c < columns; c++) {
                g.fillRect(c * TILE_WIDTH - 1, 0, 2, sheet.getHeight());
            }
            for (int r = 1; r < rows; r++) {
                g.fillRect(0, r * TILE_HEIGHT - 1, sheet.getWidth(), 2);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    static void writePng(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        if (!ImageIO.write(image, "png", partial.toFile())) {
            throw new IOException("no PNG writer in this JRE");
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void drawFitted(Graphics2D g, BufferedImage image, int x, int y) {
        double scale =
                Math.min(
                        (double) TILE_WIDTH / image.getWidth(),
                        (double) TILE_HEIGHT / image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        g.drawImage(image, x + (TILE_WIDTH - w) / 2, y + (TILE_HEIGHT - h) / 2, w, h, null);
    }

    /** A dark band along the bottom of the tile with the label in white. */
    private static void drawLabel(Graphics2D g, String label, int x, int y) {
        int band = 30;
        java.awt.Composite before = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.65f));
        g.setColor(Color.BLACK);
        g.fillRect(x, y + TILE_HEIGHT - band, TILE_WIDTH, band);
        g.setComposite(before);
        try {
            g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 18));
            g.setColor(Color.WHITE);
            g.drawString(label, x + 10, y + TILE_HEIGHT - 9);
        } catch (RuntimeException | LinkageError | InternalError e) {
            // A JRE without any font (no fontconfig): the picture is still worth having.
            fontMissing = true;
        }
    }

    /** Set when labels could not be drawn because the JRE has no font. */
    static volatile boolean fontMissing;
}
