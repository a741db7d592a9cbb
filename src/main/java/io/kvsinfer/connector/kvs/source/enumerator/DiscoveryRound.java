package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.List;
import java.util.Set;

/**
 * What one discovery round learned. A complete round saw every stream and could decide each one. A
 * round cut short (ListStreams or ListTagsForStream still throttled after its retries) keeps the
 * matches it found, and says which streams it could not decide, so that the enumerator neither
 * finishes their cameras nor loses the new cameras the round did find.
 */
@Internal
final class DiscoveryRound {

    private final List<DiscoveredStream> matches;
    private final boolean listingComplete;
    private final Set<String> listed;
    private final Set<String> undecided;

    private DiscoveryRound(
            List<DiscoveredStream> matches,
            boolean listingComplete,
            Set<String> listed,
            Set<String> undecided) {
        this.matches = List.copyOf(matches);
        this.listingComplete = listingComplete;
        this.listed = Set.copyOf(listed);
        this.undecided = Set.copyOf(undecided);
    }

    /** A round that decided every stream: {@code matches} are all the cameras there are. */
    static DiscoveryRound complete(List<DiscoveredStream> matches) {
        return new DiscoveryRound(matches, true, Set.of(), Set.of());
    }

    /**
     * A round cut short.
     *
     * @param matches the matching streams among those it decided
     * @param listingComplete whether ListStreams returned every page
     * @param listed the names of the streams ListStreams returned
     * @param undecided the listed streams whose tags could not be read
     */
    static DiscoveryRound partial(
            List<DiscoveredStream> matches,
            boolean listingComplete,
            Set<String> listed,
            Set<String> undecided) {
        return new DiscoveryRound(matches, listingComplete, listed, undecided);
    }

    /** The matching streams found, each once. */
    List<DiscoveredStream> matches() {
        return matches;
    }

    boolean isComplete() {
        return listingComplete && undecided.isEmpty();
    }

    /** How many listed streams were left undecided (0 for a complete round). */
    int undecidedCount() {
        return undecided.size();
    }

    /**
     * Whether a stream that is not among the matches may match all the same: its tags were not
     * read, or the listing stopped before reaching it. Such a stream's camera must be kept.
     */
    boolean mayStillMatch(String streamName) {
        return undecided.contains(streamName) || (!listingComplete && !listed.contains(streamName));
    }

    @Override
    public String toString() {
        return isComplete()
                ? matches.size() + " matching stream(s)"
                : matches.size()
                        + " matching stream(s), "
                        + undecided.size()
                        + " undecided"
                        + (listingComplete ? "" : ", listing incomplete");
    }
}
