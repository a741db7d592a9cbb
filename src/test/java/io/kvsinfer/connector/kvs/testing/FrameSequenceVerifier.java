package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Checks frames of one synthetic camera against what LocalKvs says it produced: each frame's
 * timestamp must fall on a frame of a stored fragment, the index drawn in its pixels must be that
 * frame's index in the camera's loop, and the frames must follow each other with no frame missing,
 * repeated or out of order.
 */
public final class FrameSequenceVerifier {

    private final List<FragmentRecord> fragments;
    private final double fps;
    private final Map<Integer, Integer> framesByMediaIndex = new HashMap<>();

    public FrameSequenceVerifier(List<FragmentRecord> fragments, double fps) {
        this.fragments = fragments;
        this.fps = fps;
        for (FragmentRecord f : fragments) {
            framesByMediaIndex.putIfAbsent(f.mediaIndex(), f.frameCount());
        }
    }

    /** The stream-wide index of the frame (frames the camera produced before it). */
    public long streamIndexOf(FrameKey frame) {
        FragmentRecord fragment = fragmentAt(frame.timestampMillis);
        long offset = frame.timestampMillis - fragment.producerMillis();
        int inFragment = (int) Math.round(offset * fps / 1000.0);
        assertThat(
                        Math.abs(
                                fragment.producerMillis()
                                        + Math.round(inFragment * 1000.0 / fps)
                                        - frame.timestampMillis))
                .as(
                        "timestamp of %s lies on a frame of fragment %s",
                        frame, fragment.fragmentNumber())
                .isLessThanOrEqualTo(1);
        int expectedPixelIndex = mediaFramesBefore(fragment) + inFragment;
        assertThat(frame.pixelIndex)
                .as(
                        "index drawn in the pixels of %s (fragment %s, frame %s)",
                        frame, fragment.fragmentNumber(), inFragment)
                .isEqualTo(expectedPixelIndex);
        return fragment.firstFrameIndex() + inFragment;
    }

    /**
     * Frames of the media before the fragment's media fragment: the sum over the media fragments
     * before it, which differ in length when the media was cut by duration; media fragments of
     * equal length when the stream holds fewer of them.
     */
    private int mediaFramesBefore(FragmentRecord fragment) {
        int before = 0;
        for (int m = 0; m < fragment.mediaIndex(); m++) {
            Integer frames = framesByMediaIndex.get(m);
            if (frames == null) {
                return fragment.mediaIndex() * fragment.frameCount();
            }
            before += frames;
        }
        return before;
    }

    private FragmentRecord fragmentAt(long timestampMillis) {
        for (FragmentRecord fragment : fragments) {
            if (timestampMillis >= fragment.producerMillis()
                    && timestampMillis < fragment.producerEndMillis()) {
                return fragment;
            }
        }
        return fail("no fragment of the stream covers timestamp %s", timestampMillis);
    }

    /**
     * Asserts that the frames are consecutive frames of the stream, each once, in order, and
     * returns their stream-wide indices.
     */
    public List<Long> assertContiguous(List<FrameKey> frames) {
        List<Long> indices = new ArrayList<>(frames.size());
        for (FrameKey frame : frames) {
            indices.add(streamIndexOf(frame));
        }
        for (int i = 1; i < indices.size(); i++) {
            assertThat(indices.get(i))
                    .as(
                            "frame %s follows frame %s (%s then %s)",
                            i, i - 1, frames.get(i - 1), frames.get(i))
                    .isEqualTo(indices.get(i - 1) + 1);
        }
        return indices;
    }
}
