package io.kvsinfer.connector.kvs.localkvs.http;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;

import org.apache.flink.annotation.Internal;

import java.util.Map;

/**
 * One parsed request as handlers see it.
 *
 * @param operation the operation its path names
 * @param query decoded query parameters (first value wins)
 * @param body the request body, at most {@link KvsHttpServer#MAX_BODY_BYTES}
 */
@Internal
public record KvsRequest(KvsOperation operation, Map<String, String> query, byte[] body) {}
