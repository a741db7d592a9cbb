package io.kvsinfer.connector.kvs.soak;

/** The faults a soak injects: every kind LocalKvs offers, plus a TaskManager failover. */
enum SoakFault {
    /** Every open HLS session answers 403 from now on. */
    SESSION_EXPIRY,
    /** An API call or HLS request answers 500 InternalFailure. */
    SERVER_ERROR,
    /** An API call or HLS request answers 400 ClientLimitExceededException. */
    THROTTLING,
    /** A response is cut off mid-body. */
    CONNECTION_RESET,
    /** A response arrives seconds late. */
    SLOW_ANSWER,
    /** A media fragment is served truncated or as garbage. */
    CORRUPT_FRAGMENT,
    /** A camera's producer stops for a few seconds (the fragment in progress is lost). */
    PRODUCER_PAUSE,
    /** The TaskManager running the job is terminated and a new one started. */
    TASK_MANAGER_FAILOVER;

    boolean isFailover() {
        return this == TASK_MANAGER_FAILOVER;
    }
}
