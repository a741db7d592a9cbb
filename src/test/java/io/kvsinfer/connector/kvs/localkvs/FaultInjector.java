package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.fault.FaultKind;
import io.kvsinfer.connector.kvs.localkvs.fault.FaultPlan;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsSessions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Arms faults on a running {@link LocalKvs}. Thread-safe; faults of one kind are consumed in the
 * order they were armed, one per matching request. Producer pauses, media switches and stream
 * deletion are on {@link LiveProducer} and {@link LocalKvs}.
 */
@PublicEvolving
public final class FaultInjector {

    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z][A-Za-z0-9.]{0,127}");
    private static final Duration MAX_DELAY = Duration.ofMinutes(10);

    private final FaultPlan plan;
    private final HlsSessions sessions;

    FaultInjector(FaultPlan plan, HlsSessions sessions) {
        this.plan = plan;
        this.sessions = sessions;
    }

    /** Every existing streaming session answers 403 "expired" from now on; new ones work. */
    public void expireAllSessions() {
        sessions.expireAll();
        plan.recordSessionExpiry();
    }

    /**
     * The next {@code count} requests of {@code op} answer {@code status} with {@code errorCode}.
     */
    public void failNext(KvsOperation op, int count, int status, String errorCode) {
        checkOpAndCount(op, count);
        Preconditions.checkArgument(
                status >= 400 && status <= 599, "status must be 400 to 599 but was %s.", status);
        Preconditions.checkArgument(
                errorCode != null && ERROR_CODE.matcher(errorCode).matches(),
                "errorCode must be an AWS error code such as ResourceNotFoundException but was"
                        + " '%s'.",
                errorCode);
        plan.addFailure(op, count, new FaultPlan.Failure(status, errorCode));
    }

    /**
     * The next {@code count} requests of {@code op} get status 200 and a Content-Length for the
     * whole body, about half the body, and then a closed connection.
     */
    public void resetNext(KvsOperation op, int count) {
        checkOpAndCount(op, count);
        plan.addReset(op, count);
    }

    /** The next {@code count} requests of {@code op} are answered only after {@code delay}. */
    public void delay(KvsOperation op, Duration delay, int count) {
        checkOpAndCount(op, count);
        Preconditions.checkArgument(
                delay != null && !delay.isNegative() && delay.compareTo(MAX_DELAY) <= 0,
                "delay must be between 0 and %s but was %s.",
                MAX_DELAY,
                delay);
        plan.addDelay(op, count, delay);
    }

    /** The next {@code count} media fragments (fMP4 or MPEG-TS) are served damaged. */
    public void corruptNext(int count, Corruption corruption) {
        Preconditions.checkArgument(count >= 1, "count must be >= 1 but was %s.", count);
        Preconditions.checkNotNull(corruption, "corruption must not be null.");
        plan.addCorruption(count, corruption);
    }

    /** Media fragment {@code fragmentNumber} is served damaged every time, until {@link #clear}. */
    public void corruptFragment(String fragmentNumber, Corruption corruption) {
        Preconditions.checkNotNull(fragmentNumber, "fragmentNumber must not be null.");
        Preconditions.checkNotNull(corruption, "corruption must not be null.");
        plan.addCorruption(fragmentNumber, corruption);
    }

    /**
     * The numbers of the media fragments served damaged so far (fragment numbers are unique across
     * streams), so that a test can tell frames lost to a corruption from frames the reader lost.
     */
    public Set<String> corruptedFragments() {
        return plan.corruptedFragments();
    }

    /** Drops every armed fault that has not fired yet. Counts of injected faults stay. */
    public void clear() {
        plan.clear();
    }

    /** How many faults of {@code kind} were injected so far. */
    public long injectedCount(FaultKind kind) {
        Preconditions.checkNotNull(kind, "kind must not be null.");
        return plan.injected(kind);
    }

    /** How many faults of any kind were injected so far. */
    public long injectedTotal() {
        long total = 0;
        for (FaultKind kind : FaultKind.values()) {
            total += plan.injected(kind);
        }
        return total;
    }

    private static void checkOpAndCount(KvsOperation op, int count) {
        Preconditions.checkNotNull(op, "op must not be null.");
        Preconditions.checkArgument(count >= 1, "count must be >= 1 but was %s.", count);
    }
}
