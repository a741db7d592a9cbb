package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;

import org.apache.flink.annotation.Internal;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs LocalKvs in the foreground until killed, with a live camera on every stream:
 *
 * <pre>
 * --port 4566 --streams cam-1,cam-2 [--size 1280x720] [--fps 15] [--audio on] [--file clip.mp4]
 *     [--host 127.0.0.1]
 * </pre>
 *
 * <p>See {@code examples/local-kvs.sh}. Everything but making the media is in {@link
 * LocalKvsLauncher}.
 */
@Internal
public final class LocalKvsMain {

    /** Synthetic H.264 cameras and looped user files, from the media package. */
    private static final LocalKvsLauncher.MediaFactory MEDIA =
            new LocalKvsLauncher.MediaFactory() {
                @Override
                public FragmentedMedia synthetic(int width, int height, int fps) {
                    return synthetic(width, height, fps, false);
                }

                @Override
                public FragmentedMedia synthetic(int width, int height, int fps, boolean audio) {
                    try {
                        return SyntheticCamera.encode(
                                width,
                                height,
                                fps,
                                SyntheticCamera.DEFAULT_FRAGMENT_SECONDS,
                                SyntheticCamera.DEFAULT_LOOP_FRAGMENTS,
                                audio);
                    } catch (Exception e) {
                        throw new IllegalStateException(
                                "Could not encode the synthetic camera: " + e.getMessage(), e);
                    }
                }

                @Override
                public FragmentedMedia file(Path path) {
                    try {
                        return FileMedia.load(path);
                    } catch (Exception e) {
                        throw new IllegalArgumentException(
                                "Could not load " + path + ": " + e.getMessage(), e);
                    }
                }
            };

    private LocalKvsMain() {}

    public static void main(String[] args) throws InterruptedException {
        LocalKvsLauncher.Options options;
        try {
            options = LocalKvsLauncher.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("LocalKvs: preparing media for " + options.streams() + "...");
        LocalKvs kvs = LocalKvsLauncher.start(options, MEDIA);
        Runtime.getRuntime().addShutdownHook(new Thread(kvs::close, "localkvs-shutdown"));
        System.out.println(
                "LocalKvs endpoint: " + kvs.endpoint() + "  (region us-east-1, any credentials)");
        System.out.println("Streams: " + String.join(", ", options.streams()));
        System.out.println(
                "SDK: endpointOverride(URI.create(\""
                        + kvs.endpoint()
                        + "\"))   CLI: --endpoint-url "
                        + kvs.endpoint());
        // Serve until the JVM is killed; the shutdown hook closes the server.
        new CountDownLatch(1).await();
    }
}
