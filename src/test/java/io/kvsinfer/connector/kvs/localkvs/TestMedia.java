package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test-only media whose bytes name exactly what was served: {@code MP4|tag|index|start|seq}, {@code
 * TS|tag|index|start} or {@code INIT|tag}, padded to a fixed size.
 */
final class TestMedia implements FragmentedMedia {

    static final int FRAGMENT_BYTES = 1000;

    private final String tag;
    private final int fragmentCount;
    private final long durationMillis;
    private final int frames;
    private final String codecId;
    private final int width;
    private final int height;

    TestMedia(String tag, int fragmentCount, long durationMillis) {
        this(tag, fragmentCount, durationMillis, "V_MPEG/ISO/AVC", 1280, 720);
    }

    TestMedia(
            String tag,
            int fragmentCount,
            long durationMillis,
            String codecId,
            int width,
            int height) {
        this.tag = tag;
        this.fragmentCount = fragmentCount;
        this.durationMillis = durationMillis;
        this.frames = (int) (durationMillis * 15 / 1000);
        this.codecId = codecId;
        this.width = width;
        this.height = height;
    }

    static String mp4Text(String tag, int index, long start, long seq) {
        return "MP4|" + tag + "|" + index + "|" + start + "|" + seq + "|";
    }

    static String tsText(String tag, int index, long start) {
        return "TS|" + tag + "|" + index + "|" + start + "|";
    }

    /** The text header of served fragment bytes. */
    static String header(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = s.indexOf('.');
        return end < 0 ? s : s.substring(0, end);
    }

    private static byte[] padded(String text) {
        byte[] bytes = Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), FRAGMENT_BYTES);
        Arrays.fill(bytes, text.length(), FRAGMENT_BYTES, (byte) '.');
        return bytes;
    }

    @Override
    public String codecId() {
        return codecId;
    }

    @Override
    public String hlsCodecs() {
        return "avc1.42c01f";
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public double frameRate() {
        return 15.0;
    }

    @Override
    public int fragmentCount() {
        return fragmentCount;
    }

    @Override
    public int frameCount(int index) {
        return frames;
    }

    @Override
    public long durationMillis(int index) {
        return durationMillis;
    }

    @Override
    public byte[] initSegment() {
        return ("INIT|" + tag).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] mp4Fragment(int index, long startMillis, long sequenceNumber) {
        return padded(mp4Text(tag, index, startMillis, sequenceNumber));
    }

    @Override
    public byte[] tsFragment(int index, long startMillis) {
        return padded(tsText(tag, index, startMillis));
    }
}
