package io.kvsinfer.connector.kvs.localkvs.store;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;

import org.apache.flink.annotation.Internal;

import java.util.Arrays;
import java.util.List;

/**
 * The fragments of one stream in ingestion order: a ring buffer that appends at the tail and evicts
 * at the head, so retention costs nothing per fragment and sequence lookups are O(1). Not
 * thread-safe; {@link StreamState} guards it.
 */
@Internal
final class FragmentLog {

    private FragmentRecord[] ring = new FragmentRecord[64];
    private int head;
    private int size;

    int size() {
        return size;
    }

    FragmentRecord get(int i) {
        return ring[(head + i) % ring.length];
    }

    FragmentRecord first() {
        return size == 0 ? null : get(0);
    }

    FragmentRecord last() {
        return size == 0 ? null : get(size - 1);
    }

    void add(FragmentRecord record) {
        if (size == ring.length) {
            FragmentRecord[] bigger = new FragmentRecord[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = get(i);
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = record;
        size++;
    }

    void removeFirst() {
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
    }

    /** The record with ingestion sequence {@code sequence}, or null if evicted or never added. */
    FragmentRecord bySequence(long sequence) {
        FragmentRecord first = first();
        if (first == null || sequence < first.sequence()) {
            return null;
        }
        long offset = sequence - first.sequence();
        return offset < size ? get((int) offset) : null;
    }

    List<FragmentRecord> snapshot() {
        FragmentRecord[] copy = new FragmentRecord[size];
        for (int i = 0; i < size; i++) {
            copy[i] = get(i);
        }
        return Arrays.asList(copy);
    }

    /** The newest {@code count} records, oldest first. */
    List<FragmentRecord> tail(int count) {
        int n = Math.min(count, size);
        FragmentRecord[] copy = new FragmentRecord[n];
        for (int i = 0; i < n; i++) {
            copy[i] = get(size - n + i);
        }
        return Arrays.asList(copy);
    }
}
