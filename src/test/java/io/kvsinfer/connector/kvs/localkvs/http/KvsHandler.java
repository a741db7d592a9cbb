package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

/** Answers one operation; throws {@link KvsError} for an AWS-style error answer. */
@Internal
@FunctionalInterface
public interface KvsHandler {
    KvsResponse handle(KvsRequest request);
}
