package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

/**
 * How fast discovery may call the control plane, and how often it retries a throttled call. AWS's
 * quotas: ListStreams 50 per second per account, ListTagsForStream 50 per second per account and 5
 * per second per stream; the account quotas are shared with everything else in the account.
 *
 * @param listStreamsPerSecond ListStreams calls per second at most
 * @param tagsPerSecond ListTagsForStream calls per second at most, over all streams
 * @param maxRetries retries of a throttled (or 5xx) call before the round gives up on it
 */
@Internal
record DiscoveryLimits(int listStreamsPerSecond, int tagsPerSecond, int maxRetries) {

    /** AWS's ListTagsForStream quota per stream; fixed by AWS. */
    static final int TAGS_PER_SECOND_PER_STREAM = 5;

    DiscoveryLimits {
        Preconditions.checkArgument(
                listStreamsPerSecond >= 1,
                "listStreamsPerSecond must be at least 1 but was %s.",
                listStreamsPerSecond);
        Preconditions.checkArgument(
                tagsPerSecond >= 1, "tagsPerSecond must be at least 1 but was %s.", tagsPerSecond);
        Preconditions.checkArgument(
                maxRetries >= 0, "maxRetries must be 0 or more but was %s.", maxRetries);
    }
}
