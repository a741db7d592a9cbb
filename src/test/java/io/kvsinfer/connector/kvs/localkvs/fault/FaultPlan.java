package io.kvsinfer.connector.kvs.localkvs.fault;

import io.kvsinfer.connector.kvs.localkvs.Corruption;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The faults waiting to be injected, consumed by the HTTP dispatcher one request at a time, and
 * counts of those injected. Thread-safe: tests arm it while server threads consume it.
 */
@Internal
public final class FaultPlan {

    /** An error answer to inject. */
    public record Failure(int status, String errorCode) {}

    /** Several identical faults; {@code remaining} counts down as requests consume them. */
    private static final class Pending<T> {
        final T fault;
        int remaining;

        Pending(T fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final Map<KvsOperation, Deque<Pending<Failure>>> failures =
            new EnumMap<>(KvsOperation.class);
    private final Map<KvsOperation, Deque<Pending<Boolean>>> resets =
            new EnumMap<>(KvsOperation.class);
    private final Map<KvsOperation, Deque<Pending<Duration>>> delays =
            new EnumMap<>(KvsOperation.class);
    private final Deque<Pending<Corruption>> corruptions = new ArrayDeque<>();
    private final Map<String, Corruption> corruptionsByFragment = new HashMap<>();
    private final Map<FaultKind, Long> injected = new EnumMap<>(FaultKind.class);
    private final Set<String> corruptedFragments = new LinkedHashSet<>();

    public synchronized void addFailure(KvsOperation op, int count, Failure failure) {
        failures.computeIfAbsent(op, k -> new ArrayDeque<>()).add(new Pending<>(failure, count));
    }

    public synchronized void addReset(KvsOperation op, int count) {
        resets.computeIfAbsent(op, k -> new ArrayDeque<>()).add(new Pending<>(true, count));
    }

    public synchronized void addDelay(KvsOperation op, int count, Duration delay) {
        delays.computeIfAbsent(op, k -> new ArrayDeque<>()).add(new Pending<>(delay, count));
    }

    public synchronized void addCorruption(int count, Corruption corruption) {
        corruptions.add(new Pending<>(corruption, count));
    }

    public synchronized Failure takeFailure(KvsOperation op) {
        return take(failures.get(op), FaultKind.FAILURE);
    }

    public synchronized boolean takeReset(KvsOperation op) {
        return take(resets.get(op), FaultKind.RESET) != null;
    }

    public synchronized Duration takeDelay(KvsOperation op) {
        return take(delays.get(op), FaultKind.DELAY);
    }

    /** Damages {@code fragmentNumber} every time it is served, as a stored fragment would be. */
    public synchronized void addCorruption(String fragmentNumber, Corruption corruption) {
        corruptionsByFragment.put(fragmentNumber, corruption);
    }

    /**
     * The corruption to apply to media fragment {@code fragmentNumber}, remembering that it was
     * damaged: its own if it has one (leaving the next-n corruptions armed), else the next armed.
     */
    public synchronized Corruption takeCorruption(String fragmentNumber) {
        Corruption always = corruptionsByFragment.get(fragmentNumber);
        if (always != null) {
            injected.merge(FaultKind.CORRUPTION, 1L, Long::sum);
            corruptedFragments.add(fragmentNumber);
            return always;
        }
        Corruption corruption = take(corruptions, FaultKind.CORRUPTION);
        if (corruption != null && fragmentNumber != null) {
            corruptedFragments.add(fragmentNumber);
        }
        return corruption;
    }

    public synchronized Set<String> corruptedFragments() {
        return Set.copyOf(corruptedFragments);
    }

    private <T> T take(Deque<Pending<T>> queue, FaultKind kind) {
        if (queue == null || queue.isEmpty()) {
            return null;
        }
        Pending<T> head = queue.peek();
        if (--head.remaining <= 0) {
            queue.poll();
        }
        injected.merge(kind, 1L, Long::sum);
        return head.fault;
    }

    public synchronized void recordSessionExpiry() {
        injected.merge(FaultKind.SESSION_EXPIRY, 1L, Long::sum);
    }

    /** Drops every pending fault; the counts of injected faults stay. */
    public synchronized void clear() {
        failures.clear();
        resets.clear();
        delays.clear();
        corruptions.clear();
        corruptionsByFragment.clear();
    }

    public synchronized long injected(FaultKind kind) {
        return injected.getOrDefault(kind, 0L);
    }
}
