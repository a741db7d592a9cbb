package io.kvsinfer.connector.kvs.localkvs;

import org.apache.flink.annotation.PublicEvolving;

/** How {@link FaultInjector#corruptNext(int, Corruption)} damages a served media fragment. */
@PublicEvolving
public enum Corruption {
    /** Serve only the first half of the fragment (with a matching Content-Length). */
    TRUNCATE,
    /** Serve random bytes of the fragment's length instead of the fragment. */
    GARBAGE,
    /** Serve the fragment followed by 1 MiB of zeros, over a lowered {@code max-fragment-size}. */
    OVERSIZED
}
