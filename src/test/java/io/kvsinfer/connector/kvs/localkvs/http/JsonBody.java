package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON request object with typed, checked accessors. A missing or null field reads as null; a
 * field of the wrong JSON type is a {@code SerializationException}, as AWS answers it.
 */
@Internal
public final class JsonBody {

    private static final JsonNodeParser PARSER =
            JsonNode.parserBuilder().removeErrorLocations(true).build();

    private final Map<String, JsonNode> fields;
    private final String path;

    private JsonBody(Map<String, JsonNode> fields, String path) {
        this.fields = fields;
        this.path = path;
    }

    /**
     * Parses a request body; an empty body is an empty object, as the SDK may send for no input.
     */
    public static JsonBody parse(byte[] body) {
        if (body.length == 0) {
            return new JsonBody(Map.of(), "");
        }
        JsonNode node;
        try {
            node = PARSER.parse(body);
            checkNothingFollows(body);
        } catch (RuntimeException | IOException e) {
            throw KvsError.serialization("The request body is not valid JSON.");
        }
        if (!node.isObject()) {
            throw KvsError.serialization("The request body must be a JSON object.");
        }
        return new JsonBody(node.asObject(), "");
    }

    /** The SDK's parser stops after the first value; AWS refuses a body with more after it. */
    private static void checkNothingFollows(byte[] body) throws IOException {
        try (JsonParser parser = JsonNodeParser.DEFAULT_JSON_FACTORY.createParser(body)) {
            parser.nextToken();
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new IOException("Trailing content after the JSON value.");
            }
        }
    }

    private JsonNode field(String name) {
        JsonNode node = fields.get(name);
        return node == null || node.isNull() ? null : node;
    }

    private KvsError wrongType(String name, String expected) {
        return KvsError.serialization("Field " + path + name + " must be " + expected + ".");
    }

    public boolean has(String name) {
        return field(name) != null;
    }

    public String string(String name) {
        JsonNode node = field(name);
        if (node == null) {
            return null;
        }
        if (!node.isString()) {
            throw wrongType(name, "a string");
        }
        return node.asString();
    }

    public Integer integer(String name) {
        JsonNode node = field(name);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw wrongType(name, "an integer");
        }
        try {
            return new BigDecimal(node.asNumber()).intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw wrongType(name, "an integer in the 32-bit range");
        }
    }

    /** An epoch-seconds timestamp (a JSON number with a fraction) as epoch milliseconds. */
    public Long timestampMillis(String name) {
        JsonNode node = field(name);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw wrongType(name, "a timestamp in epoch seconds");
        }
        try {
            return new BigDecimal(node.asNumber())
                    .movePointRight(3)
                    .setScale(0, RoundingMode.FLOOR)
                    .longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw wrongType(name, "a timestamp in epoch seconds");
        }
    }

    public JsonBody object(String name) {
        JsonNode node = field(name);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(name, "an object");
        }
        return new JsonBody(node.asObject(), path + name + ".");
    }

    public Map<String, String> stringMap(String name) {
        JsonNode node = field(name);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(name, "an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.asObject().entrySet()) {
            if (!e.getValue().isString()) {
                throw wrongType(name, "an object of strings");
            }
            map.put(e.getKey(), e.getValue().asString());
        }
        return map;
    }

    public List<String> stringList(String name) {
        JsonNode node = field(name);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw wrongType(name, "an array of strings");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : node.asArray()) {
            if (!item.isString()) {
                throw wrongType(name, "an array of strings");
            }
            list.add(item.asString());
        }
        return list;
    }
}
