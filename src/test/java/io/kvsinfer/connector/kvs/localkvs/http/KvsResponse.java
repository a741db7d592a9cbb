package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;

/** A successful answer: status 200, a content type and the complete body. */
@Internal
public record KvsResponse(String contentType, byte[] body) {

    public static KvsResponse json(byte[] body) {
        return new KvsResponse("application/json", body);
    }

    public static KvsResponse playlist(String text) {
        return new KvsResponse("application/x-mpegURL", text.getBytes(StandardCharsets.UTF_8));
    }

    public KvsResponse withBody(byte[] newBody) {
        return new KvsResponse(contentType, newBody);
    }
}
