package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

/**
 * The same loop starting at another fragment, so that the demo's synthetic cameras, which share one
 * encoding, show different pictures at any moment.
 */
final class RotatedMedia implements FragmentedMedia {

    private final FragmentedMedia media;
    private final int offset;

    RotatedMedia(FragmentedMedia media, int offset) {
        this.media = media;
        this.offset = Math.floorMod(offset, media.fragmentCount());
    }

    private int at(int index) {
        return (index + offset) % media.fragmentCount();
    }

    @Override
    public String codecId() {
        return media.codecId();
    }

    @Override
    public String hlsCodecs() {
        return media.hlsCodecs();
    }

    @Override
    public int width() {
        return media.width();
    }

    @Override
    public int height() {
        return media.height();
    }

    @Override
    public double frameRate() {
        return media.frameRate();
    }

    @Override
    public int fragmentCount() {
        return media.fragmentCount();
    }

    @Override
    public int frameCount(int index) {
        return media.frameCount(at(index));
    }

    @Override
    public long durationMillis(int index) {
        return media.durationMillis(at(index));
    }

    @Override
    public byte[] initSegment() {
        return media.initSegment();
    }

    @Override
    public byte[] mp4Fragment(int index, long startMillis, long sequenceNumber) {
        return media.mp4Fragment(at(index), startMillis, sequenceNumber);
    }

    @Override
    public byte[] tsFragment(int index, long startMillis) {
        return media.tsFragment(at(index), startMillis);
    }
}
