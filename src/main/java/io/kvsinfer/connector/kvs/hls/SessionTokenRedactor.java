package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Removes KVS session tokens from URLs and text before they reach a log, an exception or a metric:
 * whoever holds a token can read the stream until it expires.
 */
@Internal
public final class SessionTokenRedactor {

    private static final Pattern TOKEN = Pattern.compile("(?i)(SessionToken=)[^&\\s\"'<>#]*");
    private static final String REDACTED = "$1***";

    private SessionTokenRedactor() {}

    public static String redact(String text) {
        return text == null ? null : TOKEN.matcher(text).replaceAll(REDACTED);
    }

    public static String redact(URI uri) {
        return uri == null ? null : redact(uri.toString());
    }
}
