package io.kvsinfer.connector.kvs.localkvs.api;

import io.kvsinfer.connector.kvs.localkvs.hls.DiscontinuityMode;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsSessionSpec;
import io.kvsinfer.connector.kvs.localkvs.hls.PlaybackMode;
import io.kvsinfer.connector.kvs.localkvs.http.JsonBody;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.FragmentSelectorType;

import org.apache.flink.annotation.Internal;

import java.util.Arrays;

/**
 * Validates a GetHLSStreamingSessionURL body field by field, with the rules and defaults of the
 * table in KVS_PROTOCOL.md, and applies the defaults. Stream existence is checked afterwards.
 */
@Internal
public final class HlsSessionRequestParser {

    static final int MIN_EXPIRES = 300;
    static final int MAX_EXPIRES = 43_200;
    static final int MAX_FRAGMENT_RESULTS = 5_000;
    static final long MAX_RANGE_MILLIS = 24 * 3_600_000L;

    private HlsSessionRequestParser() {}

    public static HlsSessionSpec parse(JsonBody body) {
        PlaybackMode mode = enumValue(body, "PlaybackMode", PlaybackMode.class, PlaybackMode.LIVE);
        JsonBody selector = body.object("HLSFragmentSelector");
        FragmentSelectorType selectorType = FragmentSelectorType.SERVER_TIMESTAMP;
        JsonBody range = null;
        if (selector != null) {
            selectorType = enumValue(
                    selector, "FragmentSelectorType", FragmentSelectorType.class, FragmentSelectorType.SERVER_TIMESTAMP);
            range = selector.object("TimestampRange");
        }
        Long start = range == null ? null : range.timestampMillis("StartTimestamp");
        Long end = range == null ? null : range.timestampMillis("EndTimestamp");
        checkRange(mode, range != null, start, end);

        ContainerFormat container =
                enumValue(body, "ContainerFormat", ContainerFormat.class, ContainerFormat.FRAGMENTED_MP4);
        DiscontinuityMode discontinuity =
                enumValue(
                        body,
                        "DiscontinuityMode",
                        DiscontinuityMode.class,
                        selectorType == FragmentSelectorType.SERVER_TIMESTAMP
                                ? DiscontinuityMode.ALWAYS
                                : DiscontinuityMode.NEVER);
        String display = body.string("DisplayFragmentTimestamp");
        if (display != null && !"ALWAYS".equals(display) && !"NEVER".equals(display)) {
            throw invalidEnum("DisplayFragmentTimestamp", display, "[ALWAYS, NEVER]");
        }
        Integer expires = body.integer("Expires");
        if (expires != null && (expires < MIN_EXPIRES || expires > MAX_EXPIRES)) {
            throw KvsError.invalidArgument(
                    "Expires must be " + MIN_EXPIRES + " to " + MAX_EXPIRES + " seconds but was " + expires + ".");
        }
        Integer max = body.integer("MaxMediaPlaylistFragmentResults");
        if (max != null && (max < 1 || max > MAX_FRAGMENT_RESULTS)) {
            throw KvsError.invalidArgument(
                    "MaxMediaPlaylistFragmentResults must be 1 to " + MAX_FRAGMENT_RESULTS + " but was " + max + ".");
        }
        return new HlsSessionSpec(
                mode,
                selectorType,
                start,
                end,
                container,
                discontinuity,
                "ALWAYS".equals(display),
                expires == null ? MIN_EXPIRES : expires,
                max != null ? max : mode == PlaybackMode.ON_DEMAND ? 1000 : 5);
    }

    private static void checkRange(PlaybackMode mode, boolean hasRange, Long start, Long end) {
        if (mode == PlaybackMode.LIVE) {
            if (hasRange) {
                throw KvsError.invalidArgument("TimestampRange must not be set when PlaybackMode is LIVE.");
            }
            return;
        }
        if (start == null) {
            throw KvsError.invalidArgument("StartTimestamp is required when PlaybackMode is " + mode + ".");
        }
        if (end == null) {
            if (mode == PlaybackMode.ON_DEMAND) {
                throw KvsError.invalidArgument("EndTimestamp is required when PlaybackMode is ON_DEMAND.");
            }
            return;
        }
        if (end <= start) {
            throw KvsError.invalidArgument("EndTimestamp must be later than StartTimestamp.");
        }
        if (end - start > MAX_RANGE_MILLIS) {
            throw KvsError.invalidArgument("EndTimestamp must be within 24 hours of StartTimestamp.");
        }
    }

    private static <E extends Enum<E>> E enumValue(JsonBody body, String field, Class<E> type, E defaultValue) {
        String value = body.string(field);
        if (value == null) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        throw invalidEnum(field, value, Arrays.toString(type.getEnumConstants()));
    }

    private static KvsError invalidEnum(String field, String value, String allowed) {
        return KvsError.invalidArgument(
                field + " must be one of " + allowed + " but was '" + StreamLookup.abbreviate(value) + "'.");
    }
}
