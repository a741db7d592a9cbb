package io.kvsinfer.connector.kvs.localkvs.http;

import org.apache.flink.annotation.Internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Decodes a raw query string defensively: bad escapes and oversized input are client errors. */
@Internal
public final class QueryString {

    static final int MAX_QUERY_CHARS = 8192;
    private static final int MAX_PARAMETERS = 32;

    private QueryString() {}

    public static Map<String, String> parse(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        if (raw.length() > MAX_QUERY_CHARS) {
            throw KvsError.invalidArgument("The query string is too long.");
        }
        String[] pairs = raw.split("&", MAX_PARAMETERS + 1);
        if (pairs.length > MAX_PARAMETERS) {
            throw KvsError.invalidArgument("The query string has too many parameters.");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(key, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw KvsError.invalidArgument("The query string is not correctly percent-encoded.");
        }
    }
}
