package io.kvsinfer.connector.kvs.localkvs.store;

import org.apache.flink.annotation.Internal;

import java.util.Map;

/** What CreateStream (or {@code LocalKvs.createStream}) asks for. */
@Internal
public record StreamSpec(
        String name,
        String mediaType,
        String deviceName,
        String kmsKeyId,
        int retentionHours,
        Map<String, String> tags) {}
