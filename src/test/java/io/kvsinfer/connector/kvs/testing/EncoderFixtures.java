package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The fixtures of video from encoders at their defaults, whose fragments depend on the ones before
 * (see {@code src/test/resources/fixtures/README.md}), as LocalKvs serves them in 2 s fragments:
 * {@code h265-opengop} and {@code h264-opengop} cut at their key frames, {@code h264-defaults} cut
 * by duration alone, mid-GOP.
 */
public final class EncoderFixtures {

    /** Frames in each fixture, 10 s at {@link #FPS}. */
    public static final int FRAMES = 150;

    public static final int FPS = 15;

    private EncoderFixtures() {}

    public static FragmentedMedia load(String fixture) throws IOException {
        Path file = Path.of("src/test/resources/fixtures", fixture + "-320x240-15fps.mp4");
        return fixture.equals("h264-defaults")
                ? FileMedia.loadCutByDuration(file, Duration.ofSeconds(2))
                : FileMedia.load(file, Duration.ofSeconds(2));
    }
}
