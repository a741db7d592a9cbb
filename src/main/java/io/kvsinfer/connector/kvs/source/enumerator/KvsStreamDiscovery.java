package io.kvsinfer.connector.kvs.source.enumerator;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.ComparisonOperator;
import software.amazon.awssdk.services.kinesisvideo.model.ListStreamsRequest;
import software.amazon.awssdk.services.kinesisvideo.model.ListTagsForStreamRequest;
import software.amazon.awssdk.services.kinesisvideo.model.ListTagsForStreamResponse;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideo.model.StreamInfo;
import software.amazon.awssdk.services.kinesisvideo.model.StreamNameCondition;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Discovers cameras with ListStreams (BEGINS_WITH the prefix, every page) and, when tags are
 * required or name the camera, ListTagsForStream. Only ACTIVE streams count.
 */
@Internal
final class KvsStreamDiscovery implements StreamDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(KvsStreamDiscovery.class);

    private final KinesisVideoClient client;
    private final String prefix;
    private final Map<String, String> requiredTags;
    @Nullable private final String cameraIdTag;
    @Nullable private AutoCloseable owned;

    public KvsStreamDiscovery(
            KinesisVideoClient client,
            String prefix,
            Map<String, String> requiredTags,
            @Nullable String cameraIdTag) {
        this.client = client;
        this.prefix = prefix;
        this.requiredTags = Map.copyOf(requiredTags);
        this.cameraIdTag = cameraIdTag;
    }

    @Override
    public List<DiscoveredStream> discover() {
        ListStreamsRequest request =
                ListStreamsRequest.builder()
                        .streamNameCondition(
                                StreamNameCondition.builder()
                                        .comparisonOperator(ComparisonOperator.BEGINS_WITH)
                                        .comparisonValue(prefix)
                                        .build())
                        .build();
        Map<String, DiscoveredStream> byCamera = new LinkedHashMap<>();
        for (StreamInfo stream : client.listStreamsPaginator(request).streamInfoList()) {
            if (stream.status() != Status.ACTIVE) {
                continue;
            }
            Map<String, String> tags = needsTags() ? tagsOf(stream) : Map.of();
            if (!tags.entrySet().containsAll(requiredTags.entrySet())) {
                continue;
            }
            String cameraId =
                    cameraIdTag != null && tags.containsKey(cameraIdTag)
                            ? tags.get(cameraIdTag)
                            : stream.streamName();
            DiscoveredStream previous =
                    byCamera.putIfAbsent(
                            cameraId, new DiscoveredStream(cameraId, stream.streamName()));
            if (previous != null) {
                LOG.warn(
                        "Streams {} and {} both have camera id '{}'; reading only {}",
                        previous.streamName(),
                        stream.streamName(),
                        cameraId,
                        previous.streamName());
            }
        }
        return new ArrayList<>(byCamera.values());
    }

    private boolean needsTags() {
        return !requiredTags.isEmpty() || cameraIdTag != null;
    }

    private Map<String, String> tagsOf(StreamInfo stream) {
        Map<String, String> tags = new HashMap<>();
        String next = null;
        do {
            ListTagsForStreamResponse page =
                    client.listTagsForStream(
                            ListTagsForStreamRequest.builder()
                                    .streamARN(stream.streamARN())
                                    .nextToken(next)
                                    .build());
            if (page.tags() != null) {
                tags.putAll(page.tags());
            }
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return tags;
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
