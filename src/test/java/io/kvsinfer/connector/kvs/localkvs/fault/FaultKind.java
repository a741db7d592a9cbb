package io.kvsinfer.connector.kvs.localkvs.fault;

import org.apache.flink.annotation.PublicEvolving;

/** The kinds of fault LocalKvs injects, for counting them. */
@PublicEvolving
public enum FaultKind {
    /** An injected error answer ({@code failNext}). */
    FAILURE,
    /** A connection dropped mid-body ({@code resetNext}). */
    RESET,
    /** A delayed answer ({@code delay}). */
    DELAY,
    /** A truncated or garbled media fragment ({@code corruptNext}). */
    CORRUPTION,
    /** A call of {@code expireAllSessions}. */
    SESSION_EXPIRY
}
