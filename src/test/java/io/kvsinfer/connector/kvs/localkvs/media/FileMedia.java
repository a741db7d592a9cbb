package io.kvsinfer.connector.kvs.localkvs.media;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A user's own footage as LocalKvs media: the first video track of an MP4, MPEG-TS or Matroska file
 * (H.264 or H.265), remuxed without re-encoding into fragments cut at key frames of about the
 * target duration (a fragment ends at the first key frame at or after the target, so files with
 * sparse key frames give longer fragments). Tracks other than the first video are dropped.
 */
@PublicEvolving
public final class FileMedia {

    public static final Duration DEFAULT_FRAGMENT_DURATION = Duration.ofSeconds(2);

    private FileMedia() {}

    /** Loads {@code file} with fragments of about {@link #DEFAULT_FRAGMENT_DURATION}. */
    public static FragmentedMedia load(Path file) throws IOException {
        return load(file, DEFAULT_FRAGMENT_DURATION);
    }

    /**
     * Loads {@code file} with fragments of about {@code targetFragmentDuration}.
     *
     * @throws IOException naming the file and the problem: missing, unreadable, not media, no video
     *     track, a codec other than H.264/H.265, or no key frame to start a fragment at
     */
    public static FragmentedMedia load(Path file, Duration targetFragmentDuration)
            throws IOException {
        checkReadable(file, targetFragmentDuration);
        long micros = targetFragmentDuration.toNanos() / 1000;
        return Fragmenter.fragment(file, Fragmenter.Cut.byDuration(micros));
    }

    private static void checkReadable(Path file, Duration targetFragmentDuration)
            throws IOException {
        Preconditions.checkNotNull(file, "file must not be null");
        Preconditions.checkNotNull(
                targetFragmentDuration, "targetFragmentDuration must not be null");
        Preconditions.checkArgument(
                !targetFragmentDuration.isNegative()
                        && targetFragmentDuration.compareTo(Duration.ofMillis(100)) >= 0
                        && targetFragmentDuration.compareTo(Duration.ofSeconds(20)) <= 0,
                "targetFragmentDuration is %s but must be within 100 ms..20 s",
                targetFragmentDuration);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file to load as media");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a media file");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, "media file is not readable");
        }
    }

    /**
     * Loads {@code file} cut by duration alone, as producers with key-frame fragmentation off cut
     * (GStreamer's kvssink with {@code key-frame-fragmentation=false}): a fragment ends at the
     * first frame after {@code targetFragmentDuration} that starts a new run in presentation order,
     * key frame or not, so most fragments start mid-GOP and some hold no key frame at all. Only the
     * first fragment starts with a key frame.
     */
    public static FragmentedMedia loadCutByDuration(Path file, Duration targetFragmentDuration)
            throws IOException {
        checkReadable(file, targetFragmentDuration);
        long micros = targetFragmentDuration.toNanos() / 1000;
        return Fragmenter.fragment(file, Fragmenter.Cut.byDurationAtAnyFrame(micros));
    }
}
