package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** Reads the {@code Message} of a KVS JSON error body, if there is one. */
@Internal
final class KvsErrorMessages {

    private KvsErrorMessages() {}

    static String messageOf(String body) {
        if (body == null || body.isBlank() || body.length() > HlsHttpClient.MAX_ERROR_BODY) {
            return "";
        }
        try {
            JsonNode node = JsonNode.parser().parse(body);
            if (node.isObject()) {
                for (String key : new String[] {"Message", "message"}) {
                    JsonNode value = node.asObject().get(key);
                    if (value != null && value.isString()) {
                        return value.asString();
                    }
                }
            }
        } catch (RuntimeException e) {
            // Not JSON: no message to quote.
        }
        return "";
    }
}
