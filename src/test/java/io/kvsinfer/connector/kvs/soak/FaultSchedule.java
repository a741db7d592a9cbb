package io.kvsinfer.connector.kvs.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded random plan of faults: one at a random moment of every slot, each slot shorter than a
 * minute so that at least one fault lands in every minute. The ordinary kinds come in shuffled
 * rounds so that every kind appears early, and failovers at a fixed spacing, alone in their slot,
 * so that the metrics of the other faults can be checked against what was injected.
 */
final class FaultSchedule {

    /** A fault and when it fires, counted from the start of the run. */
    record Entry(Duration at, SoakFault fault) {}

    private final List<Entry> entries;

    private FaultSchedule(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param length how long faults are injected
     * @param slot time between consecutive faults, at most a minute
     * @param failoverEvery time between failovers (the first one after half of that)
     */
    static FaultSchedule random(long seed, Duration length, Duration slot, Duration failoverEvery) {
        if (slot.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("slot must be at most a minute but was " + slot);
        }
        Random random = new Random(seed);
        List<SoakFault> ordinary = new ArrayList<>(Arrays.asList(SoakFault.values()));
        ordinary.remove(SoakFault.TASK_MANAGER_FAILOVER);
        List<SoakFault> round = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        long slotMillis = slot.toMillis();
        long nextFailover = failoverEvery.toMillis() / 2;
        for (long start = slotMillis / 2;
                start + slotMillis <= length.toMillis();
                start += slotMillis) {
            SoakFault fault;
            if (start >= nextFailover) {
                fault = SoakFault.TASK_MANAGER_FAILOVER;
                nextFailover += failoverEvery.toMillis();
            } else {
                if (round.isEmpty()) {
                    round.addAll(ordinary);
                    Collections.shuffle(round, random);
                }
                fault = round.remove(round.size() - 1);
            }
            // Early in the slot, so that what the fault sets off settles before the next one.
            long at = start + (long) (random.nextDouble() * slotMillis / 4);
            entries.add(new Entry(Duration.ofMillis(at), fault));
        }
        return new FaultSchedule(entries);
    }

    List<Entry> entries() {
        return entries;
    }
}
