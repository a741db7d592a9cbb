package io.kvsinfer.connector.kvs.localkvs.hls;

import org.apache.flink.annotation.Internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The most recently served fragment bytes, bounded by total size: several clients reading the same
 * live edge then cost one re-timing per fragment instead of one per request.
 */
@Internal
final class FragmentCache {

    private final long maxBytes;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    FragmentCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    byte[] get(String key, Supplier<byte[]> producer) {
        synchronized (this) {
            byte[] cached = entries.get(key);
            if (cached != null) {
                return cached;
            }
        }
        byte[] made = producer.get();
        synchronized (this) {
            if (made.length <= maxBytes && entries.put(key, made) == null) {
                bytes += made.length;
            }
            Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                bytes -= it.next().getValue().length;
                it.remove();
            }
        }
        return made;
    }
}
