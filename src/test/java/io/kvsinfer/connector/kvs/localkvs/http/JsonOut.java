package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

import java.math.BigDecimal;
import java.util.Map;

/** Thin helpers over the SDK's {@link JsonWriter} for the shapes KVS answers with. */
@Internal
public final class JsonOut {

    private JsonOut() {}

    /** Writes a KVS timestamp: epoch seconds as a number with a millisecond fraction. */
    public static void timestamp(JsonWriter writer, String field, long epochMillis) {
        writer.writeFieldName(field);
        writer.writeNumber(BigDecimal.valueOf(epochMillis, 3).toPlainString());
    }

    public static void string(JsonWriter writer, String field, String value) {
        if (value != null) {
            writer.writeFieldName(field);
            writer.writeValue(value);
        }
    }

    public static void stringMap(JsonWriter writer, String field, Map<String, String> map) {
        writer.writeFieldName(field);
        writer.writeStartObject();
        for (Map.Entry<String, String> e : map.entrySet()) {
            writer.writeFieldName(e.getKey());
            writer.writeValue(e.getValue());
        }
        writer.writeEndObject();
    }

    /** A one-field object such as {@code {"Message":"..."}}. */
    public static byte[] singleField(String field, String value) {
        JsonWriter writer = JsonWriter.create();
        writer.writeStartObject();
        writer.writeFieldName(field);
        writer.writeValue(value);
        writer.writeEndObject();
        return writer.getBytes();
    }
}
