package io.kvsinfer.connector.kvs.localkvs.api;

import io.kvsinfer.connector.kvs.localkvs.hls.HlsSessionSpec;
import io.kvsinfer.connector.kvs.localkvs.http.JsonBody;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDiscontinuityMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Validates a GetHLSStreamingSessionURL body field by field, with the rules and defaults of the
 * table in KVS_PROTOCOL.md, and applies the defaults. Enumerated fields take the values of the AWS
 * SDK's model of the API (not the connector's options), so a client that drifts from the API fails.
 * Stream existence is checked afterwards.
 */
@Internal
public final class HlsSessionRequestParser {

    private static final String UNKNOWN = "UNKNOWN_TO_SDK_VERSION";

    static final int MIN_EXPIRES = 300;
    static final int MAX_EXPIRES = 43_200;
    static final int MAX_FRAGMENT_RESULTS = 5_000;
    static final long MAX_RANGE_MILLIS = 24 * 3_600_000L;

    private HlsSessionRequestParser() {}

    public static HlsSessionSpec parse(JsonBody body) {
        HLSPlaybackMode mode =
                enumValue(body, "PlaybackMode", HLSPlaybackMode.class, HLSPlaybackMode.LIVE);
        JsonBody selector = body.object("HLSFragmentSelector");
        HLSFragmentSelectorType selectorType = HLSFragmentSelectorType.SERVER_TIMESTAMP;
        JsonBody range = null;
        if (selector != null) {
            selectorType =
                    enumValue(
                            selector,
                            "FragmentSelectorType",
                            HLSFragmentSelectorType.class,
                            HLSFragmentSelectorType.SERVER_TIMESTAMP);
            range = selector.object("TimestampRange");
        }
        Long start = range == null ? null : range.timestampMillis("StartTimestamp");
        Long end = range == null ? null : range.timestampMillis("EndTimestamp");
        checkRange(mode, range != null, start, end);

        ContainerFormat container =
                enumValue(
                        body,
                        "ContainerFormat",
                        ContainerFormat.class,
                        ContainerFormat.FRAGMENTED_MP4);
        HLSDiscontinuityMode discontinuity =
                enumValue(
                        body,
                        "DiscontinuityMode",
                        HLSDiscontinuityMode.class,
                        selectorType == HLSFragmentSelectorType.SERVER_TIMESTAMP
                                ? HLSDiscontinuityMode.ALWAYS
                                : HLSDiscontinuityMode.NEVER);
        String display = body.string("DisplayFragmentTimestamp");
        if (display != null && !"ALWAYS".equals(display) && !"NEVER".equals(display)) {
            throw invalidEnum("DisplayFragmentTimestamp", display, "[ALWAYS, NEVER]");
        }
        Integer expires = body.integer("Expires");
        if (expires != null && (expires < MIN_EXPIRES || expires > MAX_EXPIRES)) {
            throw KvsError.invalidArgument(
                    "Expires must be "
                            + MIN_EXPIRES
                            + " to "
                            + MAX_EXPIRES
                            + " seconds but was "
                            + expires
                            + ".");
        }
        Integer max = body.integer("MaxMediaPlaylistFragmentResults");
        if (max != null && (max < 1 || max > MAX_FRAGMENT_RESULTS)) {
            throw KvsError.invalidArgument(
                    "MaxMediaPlaylistFragmentResults must be 1 to "
                            + MAX_FRAGMENT_RESULTS
                            + " but was "
                            + max
                            + ".");
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
                max != null ? max : mode == HLSPlaybackMode.ON_DEMAND ? 1000 : 5);
    }

    /**
     * With SERVER_TIMESTAMP, AWS requires the end of the range to be in the past by its own clock:
     * a client whose clock runs ahead, or that asks for a range ending later, gets this 400.
     */
    public static void checkEndInThePast(HlsSessionSpec spec, long nowMillis) {
        Long end = spec.endMillis();
        if (spec.selector() == HLSFragmentSelectorType.SERVER_TIMESTAMP
                && end != null
                && end > nowMillis) {
            throw KvsError.invalidArgument(
                    "End timestamp "
                            + end
                            + " is in the future; with FragmentSelectorType SERVER_TIMESTAMP it"
                            + " must not be later than the current server time "
                            + nowMillis
                            + ".");
        }
    }

    private static void checkRange(HLSPlaybackMode mode, boolean hasRange, Long start, Long end) {
        if (mode == HLSPlaybackMode.LIVE) {
            if (hasRange) {
                throw KvsError.invalidArgument(
                        "TimestampRange must not be set when PlaybackMode is LIVE.");
            }
            return;
        }
        if (start == null) {
            throw KvsError.invalidArgument(
                    "StartTimestamp is required when PlaybackMode is " + mode + ".");
        }
        if (end == null) {
            if (mode == HLSPlaybackMode.ON_DEMAND) {
                throw KvsError.invalidArgument(
                        "EndTimestamp is required when PlaybackMode is ON_DEMAND.");
            }
            return;
        }
        if (end <= start) {
            throw KvsError.invalidArgument("EndTimestamp must be later than StartTimestamp.");
        }
        if (end - start > MAX_RANGE_MILLIS) {
            throw KvsError.invalidArgument(
                    "EndTimestamp must be within 24 hours of StartTimestamp.");
        }
    }

    private static <E extends Enum<E>> E enumValue(
            JsonBody body, String field, Class<E> type, E defaultValue) {
        String value = body.string(field);
        if (value == null) {
            return defaultValue;
        }
        // The SDK's model enums list what the API defines, plus a catch-all for values it does not
        // know.
        List<E> known =
                Arrays.stream(type.getEnumConstants())
                        .filter(constant -> !UNKNOWN.equals(constant.name()))
                        .collect(Collectors.toList());
        for (E constant : known) {
            if (constant.toString().equals(value)) {
                return constant;
            }
        }
        throw invalidEnum(field, value, known.toString());
    }

    private static KvsError invalidEnum(String field, String value, String allowed) {
        return KvsError.invalidArgument(
                field
                        + " must be one of "
                        + allowed
                        + " but was '"
                        + StreamLookup.abbreviate(value)
                        + "'.");
    }
}
