package io.kvsinfer.connector.kvs.soak;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the frames committed for one camera with the frames LocalKvs stored, from the first
 * committed frame to the end of the last fragment stored before {@code reachBy}: every frame of an
 * intact fragment must be there exactly once, a frame of a fragment served damaged at most once. A
 * camera that stalls part-way loses every frame after its stall. The stream index of each committed
 * frame comes from its timestamp, and {@link FrameSequenceVerifier} checks it against the index in
 * its pixels.
 */
final class ExactlyOnceAudit {

    /** The outcome for one camera. */
    record Result(
            String camera,
            int committed,
            long expected,
            long lost,
            long duplicated,
            List<Long> firstProblems,
            long corruptFragments,
            long framesLostToCorruption) {

        boolean exactlyOnce() {
            return lost == 0 && duplicated == 0;
        }
    }

    private static final int MAX_LISTED = 20;

    private ExactlyOnceAudit() {}

    static Result audit(
            String camera,
            List<FrameKey> committed,
            List<FragmentRecord> fragments,
            Set<String> corruptedFragments,
            double fps,
            long reachByMillis) {
        FrameSequenceVerifier verifier = new FrameSequenceVerifier(fragments, fps);
        Map<Long, Integer> seen = new HashMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (FrameKey frame : committed) {
            long index = verifier.streamIndexOf(frame);
            seen.merge(index, 1, Integer::sum);
            first = Math.min(first, index);
            last = Math.max(last, index);
        }
        for (FragmentRecord fragment : fragments) {
            if (fragment.producerEndMillis() <= reachByMillis) {
                last = Math.max(last, fragment.firstFrameIndex() + fragment.frameCount() - 1);
            }
        }
        List<Long> problems = new ArrayList<>();
        long lost = 0;
        long duplicated = 0;
        long expected = 0;
        long corruptFragments = 0;
        long lostToCorruption = 0;
        for (FragmentRecord fragment : fragments) {
            long from = Math.max(first, fragment.firstFrameIndex());
            long to = Math.min(last, fragment.firstFrameIndex() + fragment.frameCount() - 1);
            if (from > to) {
                continue;
            }
            boolean damaged = corruptedFragments.contains(fragment.fragmentNumber());
            corruptFragments += damaged ? 1 : 0;
            for (long index = from; index <= to; index++) {
                int count = seen.getOrDefault(index, 0);
                if (count > 1) {
                    duplicated += count - 1;
                    addListed(problems, index);
                } else if (count == 0 && damaged) {
                    lostToCorruption++;
                } else if (count == 0) {
                    lost++;
                    addListed(problems, index);
                }
                expected += damaged ? 0 : 1;
            }
        }
        return new Result(
                camera,
                committed.size(),
                expected,
                lost,
                duplicated,
                problems,
                corruptFragments,
                lostToCorruption);
    }

    private static void addListed(List<Long> list, long index) {
        if (list.size() < MAX_LISTED) {
            list.add(index);
        }
    }
}
