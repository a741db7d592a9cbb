package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses keys under {@code source.kvs.} that name no option: a misspelt key would otherwise be
 * ignored without a word, and its default used instead. Values are never echoed, since a misspelt
 * key may hold a secret.
 */
@Internal
final class UnknownOptions {

    private static final String PREFIX = "source.kvs.";

    /** Every key of {@link KvsSourceOptions}, found from its fields so that none is forgotten. */
    private static final Set<String> KNOWN = new TreeSet<>();

    /**
     * Map options, which Flink also reads from one key per entry: {@code
     * source.kvs.discovery.tags.site: lobby}.
     */
    private static final Set<String> MAP_PREFIXES = new TreeSet<>();

    static {
        for (Field field : KvsSourceOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                ConfigOption<?> option = option(field);
                KNOWN.add(option.key());
                option.fallbackKeys().forEach(fallback -> KNOWN.add(fallback.getKey()));
                if (isMapOption(field)) {
                    MAP_PREFIXES.add(option.key() + ".");
                }
            }
        }
    }

    private UnknownOptions() {}

    static void refuse(Configuration config) {
        for (String key : config.keySet()) {
            if (key.startsWith(PREFIX)
                    && !KNOWN.contains(key)
                    && MAP_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException(
                        "Unknown option '"
                                + key
                                + "'; did you mean '"
                                + closestKnown(key)
                                + "'? The options are listed in docs/kvs-hls-source.md");
            }
        }
    }

    private static String closestKnown(String key) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String known : KNOWN) {
            int distance = editDistance(key, known);
            if (distance < best) {
                best = distance;
                closest = known;
            }
        }
        return closest;
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                previous[j - 1] + substitution,
                                Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static ConfigOption<?> option(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isMapOption(Field field) {
        Type option = field.getGenericType();
        if (!(option instanceof ParameterizedType)) {
            return false;
        }
        Type value = ((ParameterizedType) option).getActualTypeArguments()[0];
        return value instanceof ParameterizedType
                && ((ParameterizedType) value).getRawType() == Map.class;
    }
}
