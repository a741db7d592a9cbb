package io.kvsinfer.connector.kvs.localkvs.store;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream: its metadata and its retention-bounded fragment records. Only metadata is kept;
 * fragment bytes come from the media on demand. All methods synchronize on this object, which is
 * cheap because each call does little work.
 */
@Internal
public final class StreamState {

    private final String name;
    private final String arn;
    private final long creationMillis;
    private final String version;
    private final StoreSettings settings;
    private final FragmentNumbers numbers;
    private final FragmentLog log = new FragmentLog();
    private final Map<Integer, FragmentedMedia> mediaByInitId = new HashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();

    /**
     * The oldest kept fragment per producer timestamp: later ones with that timestamp repeat it.
     */
    private final Map<Long, Long> firstSequenceByProducerMillis = new HashMap<>();

    private String mediaType;
    private String deviceName;
    private String kmsKeyId;
    private int retentionHours;

    private FragmentedMedia lastMedia;
    private int lastInitId;
    private long nextSequence;
    private long framesSoFar;
    private LiveProducerState producer;
    private boolean deleted;

    StreamState(StreamSpec spec, long ordinal, StoreSettings settings) {
        this.name = spec.name();
        this.creationMillis = settings.clock().millis();
        this.arn =
                "arn:aws:kinesisvideo:"
                        + settings.region()
                        + ":"
                        + settings.accountId()
                        + ":stream/"
                        + name
                        + "/"
                        + creationMillis;
        this.version = Long.toString(0x5EED0000L + ordinal * 7919L, 36).toUpperCase();
        this.settings = settings;
        this.numbers = new FragmentNumbers(ordinal);
        this.mediaType = spec.mediaType();
        this.deviceName = spec.deviceName();
        this.kmsKeyId = spec.kmsKeyId();
        this.retentionHours = spec.retentionHours();
        this.tags.putAll(spec.tags());
    }

    public String name() {
        return name;
    }

    public String arn() {
        return arn;
    }

    public long creationMillis() {
        return creationMillis;
    }

    public String version() {
        return version;
    }

    public synchronized String mediaType() {
        return mediaType;
    }

    public synchronized String deviceName() {
        return deviceName;
    }

    public synchronized String kmsKeyId() {
        return kmsKeyId;
    }

    public synchronized int retentionHours() {
        return retentionHours;
    }

    public synchronized Map<String, String> tags() {
        return new LinkedHashMap<>(tags);
    }

    public synchronized void tag(Map<String, String> newTags) {
        tags.putAll(newTags);
    }

    public synchronized void untag(List<String> keys) {
        keys.forEach(tags::remove);
    }

    public synchronized boolean isDeleted() {
        return deleted;
    }

    synchronized void markDeleted() {
        deleted = true;
        if (producer != null) {
            producer.stop();
            producer = null;
        }
    }

    // ---------------------------------------------------------------- producers

    public synchronized LiveProducerState startLive(FragmentedMedia media) {
        checkMedia(media);
        Preconditions.checkState(!deleted, "Stream %s is deleted.", name);
        Preconditions.checkState(
                producer == null || producer.isStopped(),
                "Stream %s already has a live producer; stop it before starting another.",
                name);
        producer = new LiveProducerState(media, settings.clock().millis());
        return producer;
    }

    public synchronized void pause(LiveProducerState p) {
        catchUp();
        p.pause();
    }

    public synchronized void resume(LiveProducerState p) {
        p.resume(settings.clock().millis());
    }

    public synchronized void switchMedia(LiveProducerState p, FragmentedMedia media) {
        checkMedia(media);
        catchUp();
        p.switchMedia(media);
    }

    public synchronized void stop(LiveProducerState p) {
        catchUp();
        p.stop();
        if (producer == p) {
            producer = null;
        }
    }

    /** See {@link LiveProducerState#clockOffset}; fragments already due keep the old clock. */
    public synchronized void clockOffset(LiveProducerState p, long offsetMillis) {
        catchUp();
        p.clockOffset(offsetMillis);
    }

    public synchronized long clockOffset(LiveProducerState p) {
        return p.clockOffsetMillis();
    }

    /** See {@link LiveProducerState#repeatTimestamps}. */
    public synchronized void repeatTimestamps(LiveProducerState p, int count) {
        Preconditions.checkArgument(count >= 0, "count must be >= 0 but was %s.", count);
        catchUp();
        p.repeatTimestamps(count);
    }

    public synchronized boolean hasLiveProducer() {
        return producer != null && !producer.isStopped();
    }

    /** Appends {@code count} contiguous fragments of {@code media} in loop order, at once. */
    public synchronized List<FragmentRecord> appendArchived(
            FragmentedMedia media, long startMillis, int count) {
        checkMedia(media);
        Preconditions.checkArgument(count >= 0, "count must be >= 0 but was %s.", count);
        Preconditions.checkState(!deleted, "Stream %s is deleted.", name);
        List<FragmentRecord> added = new ArrayList<>(count);
        long start = startMillis;
        for (int k = 0; k < count; k++) {
            int index = k % media.fragmentCount();
            added.add(append(media, index, start));
            start += media.durationMillis(index);
        }
        evict();
        return added;
    }

    private static void checkMedia(FragmentedMedia media) {
        Preconditions.checkNotNull(media, "media must not be null.");
        Preconditions.checkArgument(
                media.fragmentCount() > 0,
                "media must have at least one fragment but fragmentCount() was %s.",
                media.fragmentCount());
    }

    /** Appends one fragment record whose producer clock agrees with the service's. */
    FragmentRecord append(FragmentedMedia media, int index, long producerMillis) {
        return append(media, index, producerMillis, producerMillis);
    }

    /**
     * Appends one fragment record; called with the lock held. The server timestamp follows the
     * service's clock ({@code serviceMillis}, when the fragment started arriving), whatever the
     * producer's clock says.
     */
    FragmentRecord append(
            FragmentedMedia media, int index, long producerMillis, long serviceMillis) {
        if (media != lastMedia) {
            lastMedia = media;
            lastInitId++;
            mediaByInitId.put(lastInitId, media);
        }
        long sequence = nextSequence++;
        int frames = media.frameCount(index);
        FragmentRecord record =
                new FragmentRecord(
                        numbers.numberOf(sequence),
                        sequence,
                        producerMillis,
                        serviceMillis + settings.ingestionDelayMillis(),
                        media.durationMillis(index),
                        frames,
                        framesSoFar,
                        index,
                        lastInitId);
        framesSoFar += frames;
        firstSequenceByProducerMillis.putIfAbsent(producerMillis, sequence);
        log.add(record);
        if (log.size() > settings.maxFragmentsPerStream()) {
            removeFirst();
        }
        return record;
    }

    // ---------------------------------------------------------------- reading

    /** Materializes completed live fragments and applies retention; cheap when nothing is due. */
    public synchronized void catchUp() {
        if (producer != null) {
            producer.catchUp(this, settings.clock().millis(), retentionMillis());
        }
        evict();
    }

    private long retentionMillis() {
        long streamRetention = retentionHours * 3_600_000L;
        return streamRetention > 0
                ? Math.min(streamRetention, settings.retentionMillis())
                : settings.retentionMillis();
    }

    private void evict() {
        long oldestKept = settings.clock().millis() - retentionMillis();
        FragmentRecord first;
        while ((first = log.first()) != null && first.serverEndMillis() < oldestKept) {
            removeFirst();
        }
    }

    private void removeFirst() {
        FragmentRecord evicted = log.first();
        int evictedInit = evicted.initId();
        firstSequenceByProducerMillis.remove(evicted.producerMillis(), evicted.sequence());
        log.removeFirst();
        FragmentRecord first = log.first();
        // Init ids grow in ingestion order, so ids below the new head are no longer referenced.
        if (first != null && first.initId() != evictedInit && evictedInit != lastInitId) {
            mediaByInitId.keySet().removeIf(id -> id < first.initId() && id != lastInitId);
        }
    }

    /** All records in ingestion order, after catching up. */
    public synchronized List<FragmentRecord> fragments() {
        catchUp();
        return log.snapshot();
    }

    /** The newest {@code count} records in ingestion order, after catching up. */
    public synchronized List<FragmentRecord> newest(int count) {
        catchUp();
        return log.tail(count);
    }

    /**
     * Whether an older kept fragment has the same producer timestamp: AWS deduplicates fragments by
     * producer timestamp and serves only the oldest ingested one.
     */
    public synchronized boolean repeatsAnOlderTimestamp(FragmentRecord record) {
        Long first = firstSequenceByProducerMillis.get(record.producerMillis());
        return first != null && first < record.sequence();
    }

    /** The record with this fragment number, or null if unknown or evicted. */
    public synchronized FragmentRecord find(String fragmentNumber) {
        catchUp();
        long sequence = numbers.sequenceOf(fragmentNumber);
        return sequence < 0 ? null : log.bySequence(sequence);
    }

    /** The media behind init id {@code initId}, or null once no kept fragment needs it. */
    public synchronized FragmentedMedia media(int initId) {
        return mediaByInitId.get(initId);
    }

    /** Every media the kept fragments use. */
    public synchronized List<FragmentedMedia> allMedia() {
        return Collections.unmodifiableList(new ArrayList<>(mediaByInitId.values()));
    }
}
