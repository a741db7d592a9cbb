package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.hls.SessionTokenRedactor;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.util.Preconditions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.ClientLimitExceededException;
import software.amazon.awssdk.services.kinesisvideo.model.ComparisonOperator;
import software.amazon.awssdk.services.kinesisvideo.model.ListStreamsRequest;
import software.amazon.awssdk.services.kinesisvideo.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesisvideo.model.ListTagsForStreamRequest;
import software.amazon.awssdk.services.kinesisvideo.model.ListTagsForStreamResponse;
import software.amazon.awssdk.services.kinesisvideo.model.NotAuthorizedException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideo.model.StreamInfo;
import software.amazon.awssdk.services.kinesisvideo.model.StreamNameCondition;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Discovers cameras with ListStreams (BEGINS_WITH the prefix, every page) and, when tags are
 * required or name the camera, ListTagsForStream. Only ACTIVE streams count.
 *
 * <p>Both operations are paced under {@link DiscoveryLimits} (ListTagsForStream also at most 5 per
 * second per stream), and a throttled or 5xx call is retried with jittered exponential backoff.
 * When a call is still throttled after its retries, the round stops calling and returns what it
 * learned, with the streams it could not decide; the next round reads those streams' tags first.
 */
@Internal
final class KvsStreamDiscovery implements StreamDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(KvsStreamDiscovery.class);

    /** Listed streams whose tags were denied, so that each is warned of once. */
    private final Set<String> deniedStreams = new HashSet<>();

    private static final long BASE_BACKOFF_NANOS = 250_000_000L;
    private static final long MAX_BACKOFF_NANOS = 8_000_000_000L;

    private final KinesisVideoClient client;
    private final String prefix;
    private final Map<String, String> requiredTags;
    @Nullable private final String cameraIdTag;
    private final DiscoveryLimits limits;
    private final CallPacer.Clock clock;
    private final RandomGenerator random;
    private final CallPacer listPacer;
    private final CallPacer tagsPacer;
    @Nullable private AutoCloseable owned;

    /** Streams whose tags the last round could not read; read first in the next round. */
    private Set<String> uncheckedLastRound = Set.of();

    public KvsStreamDiscovery(
            KinesisVideoClient client,
            String prefix,
            Map<String, String> requiredTags,
            @Nullable String cameraIdTag,
            DiscoveryLimits limits) {
        this(
                client,
                prefix,
                requiredTags,
                cameraIdTag,
                limits,
                CallPacer.Clock.SYSTEM,
                new SplittableRandom());
    }

    @VisibleForTesting
    KvsStreamDiscovery(
            KinesisVideoClient client,
            String prefix,
            Map<String, String> requiredTags,
            @Nullable String cameraIdTag,
            DiscoveryLimits limits,
            CallPacer.Clock clock,
            RandomGenerator random) {
        this.client = Preconditions.checkNotNull(client, "client must not be null.");
        this.prefix = Preconditions.checkNotNull(prefix, "prefix must not be null.");
        this.requiredTags = Map.copyOf(requiredTags);
        this.cameraIdTag = cameraIdTag;
        this.limits = Preconditions.checkNotNull(limits, "limits must not be null.");
        this.clock = Preconditions.checkNotNull(clock, "clock must not be null.");
        this.random = Preconditions.checkNotNull(random, "random must not be null.");
        this.listPacer = new CallPacer(limits.listStreamsPerSecond(), clock);
        this.tagsPacer = new CallPacer(limits.tagsPerSecond(), clock);
    }

    @Override
    public DiscoveryRound discover() throws InterruptedException {
        Set<String> listed = new HashSet<>();
        List<StreamInfo> active = new ArrayList<>();
        boolean listingComplete = false;
        String next = null;
        while (true) {
            ListStreamsRequest request = listStreamsRequest(next);
            ListStreamsResponse page;
            try {
                page =
                        withRetries(
                                "ListStreams", null, () -> client.listStreams(request), listPacer);
            } catch (SdkException e) {
                if (!transientFailure(e) || listed.isEmpty()) {
                    throw e;
                }
                LOG.warn(
                        "Discovery: ListStreams (prefix '{}') failed after {} listed stream(s)"
                                + " and {} retries; streams on later pages are left undecided"
                                + " this round: {}",
                        prefix,
                        listed.size(),
                        limits.maxRetries(),
                        describe(e));
                break;
            }
            for (StreamInfo stream : page.streamInfoList()) {
                listed.add(stream.streamName());
                if (stream.status() == Status.ACTIVE) {
                    active.add(stream);
                }
            }
            next = page.nextToken();
            if (next == null || next.isEmpty()) {
                listingComplete = true;
                break;
            }
        }
        Set<String> undecided = new LinkedHashSet<>();
        Map<String, Map<String, String>> tagsByStream =
                needsTags() ? readTags(active, undecided) : Map.of();
        uncheckedLastRound = Set.copyOf(undecided);
        // Matched in listing order whatever order the tags were read in, so that of two streams
        // with the same camera id the same one wins every round.
        Map<String, DiscoveredStream> byCamera = new LinkedHashMap<>();
        for (StreamInfo stream : active) {
            Map<String, String> tags =
                    needsTags() ? tagsByStream.get(stream.streamName()) : Map.of();
            if (tags != null) {
                match(stream, tags, byCamera);
            }
        }
        List<DiscoveredStream> matches = new ArrayList<>(byCamera.values());
        return listingComplete && undecided.isEmpty()
                ? DiscoveryRound.complete(matches)
                : DiscoveryRound.partial(matches, listingComplete, listed, undecided);
    }

    /**
     * The tags of each stream, read until a call is still throttled after its retries; the streams
     * not read then go to {@code undecided}. Streams the round before could not read go first, so
     * that an account throttled every round still gets through all its streams over a few rounds.
     */
    private Map<String, Map<String, String>> readTags(
            List<StreamInfo> streams, Set<String> undecided) throws InterruptedException {
        List<StreamInfo> order = new ArrayList<>(streams);
        order.sort(Comparator.comparing(s -> !uncheckedLastRound.contains(s.streamName())));
        Map<String, Map<String, String>> tagsByStream = new HashMap<>();
        SdkException gaveUp = null;
        String gaveUpOn = null;
        SdkException denied = null;
        int deniedCount = 0;
        Set<String> names = new HashSet<>();
        order.forEach(stream -> names.add(stream.streamName()));
        deniedStreams.retainAll(names);
        for (StreamInfo stream : order) {
            if (gaveUp != null) {
                undecided.add(stream.streamName());
                continue;
            }
            try {
                tagsByStream.put(stream.streamName(), tagsOf(stream));
            } catch (ResourceNotFoundException e) {
                // Deleted between ListStreams and now: not a camera.
            } catch (SdkException e) {
                if (denied(e)) {
                    // A policy that covers some of the prefix's streams: the others stay cameras.
                    denied = denied == null ? e : denied;
                    deniedCount++;
                    warnDeniedOnce(stream.streamName(), e);
                    continue;
                }
                if (!transientFailure(e)) {
                    throw e;
                }
                gaveUp = e;
                gaveUpOn = stream.streamName();
                undecided.add(stream.streamName());
            }
        }
        if (denied != null && deniedCount == order.size()) {
            // Denied for every stream: the permission is missing, not one stream's policy.
            throw denied;
        }
        if (gaveUp != null) {
            LOG.warn(
                    "Discovery: ListTagsForStream of stream {} still failing after {} retries; this"
                            + " round read no more tags and leaves {} of {} stream(s) undecided,"
                            + " to be read first next round: {}",
                    gaveUpOn,
                    limits.maxRetries(),
                    undecided.size(),
                    order.size(),
                    describe(gaveUp));
        }
        return tagsByStream;
    }

    private ListStreamsRequest listStreamsRequest(@Nullable String nextToken) {
        return ListStreamsRequest.builder()
                .streamNameCondition(
                        StreamNameCondition.builder()
                                .comparisonOperator(ComparisonOperator.BEGINS_WITH)
                                .comparisonValue(prefix)
                                .build())
                .nextToken(nextToken)
                .build();
    }

    private void match(
            StreamInfo stream, Map<String, String> tags, Map<String, DiscoveredStream> byCamera) {
        if (!tags.entrySet().containsAll(requiredTags.entrySet())) {
            return;
        }
        String cameraId =
                cameraIdTag != null && tags.containsKey(cameraIdTag)
                        ? tags.get(cameraIdTag)
                        : stream.streamName();
        DiscoveredStream previous =
                byCamera.putIfAbsent(cameraId, new DiscoveredStream(cameraId, stream.streamName()));
        if (previous != null) {
            LOG.warn(
                    "Streams {} and {} both have camera id '{}'; reading only {}",
                    previous.streamName(),
                    stream.streamName(),
                    cameraId,
                    previous.streamName());
        }
    }

    private boolean needsTags() {
        return !requiredTags.isEmpty() || cameraIdTag != null;
    }

    private Map<String, String> tagsOf(StreamInfo stream) throws InterruptedException {
        // AWS allows 5 calls per second per stream; only retries and further pages come close.
        CallPacer streamPacer = new CallPacer(DiscoveryLimits.TAGS_PER_SECOND_PER_STREAM, clock);
        Map<String, String> tags = new HashMap<>();
        String next = null;
        do {
            ListTagsForStreamRequest request =
                    ListTagsForStreamRequest.builder()
                            .streamARN(stream.streamARN())
                            .nextToken(next)
                            .build();
            ListTagsForStreamResponse page =
                    withRetries(
                            "ListTagsForStream",
                            stream.streamName(),
                            () -> client.listTagsForStream(request),
                            streamPacer,
                            tagsPacer);
            if (page.tags() != null) {
                tags.putAll(page.tags());
            }
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return tags;
    }

    /**
     * Runs {@code call} once every pacer allows it, retrying throttled and 5xx answers up to {@link
     * DiscoveryLimits#maxRetries()} times with exponential backoff and jitter.
     */
    private <T> T withRetries(
            String operation, @Nullable String stream, Supplier<T> call, CallPacer... pacers)
            throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            for (CallPacer pacer : pacers) {
                pacer.acquire();
            }
            try {
                return call.get();
            } catch (AwsServiceException e) {
                if (!retryable(e) || attempt >= limits.maxRetries()) {
                    throw e;
                }
                long backoff = backoffNanos(attempt);
                LOG.debug(
                        "Discovery: {}{} failed ({}), retry {} of {} in {} ms",
                        operation,
                        stream == null ? "" : " of stream " + stream,
                        describe(e),
                        attempt + 1,
                        limits.maxRetries(),
                        backoff / 1_000_000L);
                clock.sleepNanos(backoff);
            }
        }
    }

    /** The caller may not read this stream (KVS's NotAuthorizedException, or IAM's 403). */
    private static boolean denied(SdkException e) {
        return e instanceof NotAuthorizedException
                || (e instanceof AwsServiceException
                        && ((AwsServiceException) e).statusCode() == 403);
    }

    /** Warns of a stream whose tags may not be read the first round it is seen, not every round. */
    private void warnDeniedOnce(String stream, SdkException e) {
        if (deniedStreams.add(stream)) {
            LOG.warn(
                    "Discovery: not allowed to read the tags of stream {}; it is not read as a"
                        + " camera. Allow kinesisvideo:ListTagsForStream on it to include it: {}",
                    stream,
                    describe(e));
        }
    }

    /** Half the exponential ceiling plus a random part up to the other half. */
    private long backoffNanos(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF_NANOS, BASE_BACKOFF_NANOS << Math.min(attempt, 16));
        return ceiling / 2 + random.nextLong(ceiling / 2 + 1);
    }

    /** Throttled (KVS's ClientLimitExceededException or any throttling code) or a server error. */
    static boolean retryable(Throwable e) {
        if (e instanceof ClientLimitExceededException) {
            return true;
        }
        return e instanceof AwsServiceException
                && (((AwsServiceException) e).isThrottlingException()
                        || ((AwsServiceException) e).statusCode() >= 500);
    }

    /**
     * Failures that say nothing about the streams (throttling, server errors, network), after which
     * a round keeps what it learned rather than failing.
     */
    private static boolean transientFailure(SdkException e) {
        return retryable(e) || e instanceof SdkClientException;
    }

    private static String describe(SdkException e) {
        String code =
                e instanceof AwsServiceException
                                && ((AwsServiceException) e).awsErrorDetails() != null
                        ? ((AwsServiceException) e).awsErrorDetails().errorCode() + ": "
                        : e.getClass().getSimpleName() + ": ";
        return code + SessionTokenRedactor.redact(String.valueOf(e.getMessage()));
    }

    /**
     * Closes also {@code owned} (the credentials provider the client was built with) after the
     * client.
     */
    public KvsStreamDiscovery closing(AutoCloseable owned) {
        this.owned = owned;
        return this;
    }

    @Override
    public void close() {
        client.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.debug("Closing the discovery's credentials provider failed", e);
            }
        }
    }
}
