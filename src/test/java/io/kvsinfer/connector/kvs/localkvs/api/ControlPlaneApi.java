package io.kvsinfer.connector.kvs.localkvs.api;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.http.JsonBody;
import io.kvsinfer.connector.kvs.localkvs.http.JsonOut;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.http.KvsHandler;
import io.kvsinfer.connector.kvs.localkvs.http.KvsResponse;
import io.kvsinfer.connector.kvs.localkvs.http.RateLimits;
import io.kvsinfer.connector.kvs.localkvs.store.StreamRegistry;
import io.kvsinfer.connector.kvs.localkvs.store.StreamSpec;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The {@code kinesisvideo} control-plane operations LocalKvs answers. */
@Internal
public final class ControlPlaneApi {

    static final Set<String> API_NAMES =
            Set.of(
                    "PUT_MEDIA",
                    "GET_MEDIA",
                    "LIST_FRAGMENTS",
                    "GET_MEDIA_FOR_FRAGMENT_LIST",
                    "GET_HLS_STREAMING_SESSION_URL",
                    "GET_DASH_STREAMING_SESSION_URL",
                    "GET_CLIP",
                    "GET_IMAGES");

    private static final int MAX_TAGS = 50;
    private static final int MAX_RETENTION_HOURS = 87_600;

    /** AWS's ListStreams quota, per account. */
    static final int LIST_STREAMS_PER_ACCOUNT = 50;

    /** AWS's ListTagsForStream quotas, per account and per stream. */
    static final int LIST_TAGS_PER_ACCOUNT = 50;

    static final int LIST_TAGS_PER_STREAM = 5;

    private final StreamRegistry registry;
    private final StreamLookup lookup;
    private final RateLimits limits;
    private final Supplier<String> dataEndpoint;

    public ControlPlaneApi(
            StreamRegistry registry, RateLimits limits, Supplier<String> dataEndpoint) {
        this.registry = registry;
        this.lookup = new StreamLookup(registry);
        this.limits = limits;
        this.dataEndpoint = dataEndpoint;
    }

    public void register(Map<KvsOperation, KvsHandler> handlers) {
        handlers.put(KvsOperation.CREATE_STREAM, json(this::createStream));
        handlers.put(KvsOperation.DELETE_STREAM, json(this::deleteStream));
        handlers.put(KvsOperation.DESCRIBE_STREAM, json(this::describeStream));
        handlers.put(KvsOperation.LIST_STREAMS, json(this::listStreams));
        handlers.put(KvsOperation.LIST_TAGS_FOR_STREAM, json(this::listTags));
        handlers.put(KvsOperation.TAG_STREAM, json(this::tagStream));
        handlers.put(KvsOperation.UNTAG_STREAM, json(this::untagStream));
        handlers.put(KvsOperation.GET_DATA_ENDPOINT, json(this::getDataEndpoint));
    }

    /** Adapts a body-to-JSON function to a handler. */
    static KvsHandler json(java.util.function.BiConsumer<JsonBody, JsonWriter> operation) {
        return request -> {
            JsonBody body = JsonBody.parse(request.body());
            JsonWriter out = JsonWriter.create();
            out.writeStartObject();
            operation.accept(body, out);
            out.writeEndObject();
            return KvsResponse.json(out.getBytes());
        };
    }

    private void createStream(JsonBody body, JsonWriter out) {
        String name = body.string("StreamName");
        StreamLookup.checkName(name);
        Integer retention = body.integer("DataRetentionInHours");
        if (retention != null && (retention < 0 || retention > MAX_RETENTION_HOURS)) {
            throw KvsError.invalidArgument(
                    "DataRetentionInHours must be 0 to "
                            + MAX_RETENTION_HOURS
                            + " but was "
                            + retention
                            + ".");
        }
        Map<String, String> tags = body.stringMap("Tags");
        if (tags != null && tags.size() > MAX_TAGS) {
            throw new KvsError(
                    400,
                    "TagsPerResourceExceededLimitException",
                    "A stream can have at most 50 tags.");
        }
        String mediaType = body.string("MediaType");
        StreamSpec spec =
                new StreamSpec(
                        name,
                        mediaType,
                        body.string("DeviceName"),
                        kmsKeyOrDefault(body.string("KmsKeyId")),
                        retention == null ? 0 : retention,
                        tags == null ? Map.of() : tags);
        StreamState created = registry.create(spec);
        if (created == null) {
            throw KvsError.resourceInUse("The stream " + name + " already exists.");
        }
        JsonOut.string(out, "StreamARN", created.arn());
    }

    /** AWS encrypts with the account's KVS-managed key when CreateStream names none. */
    private String kmsKeyOrDefault(String kmsKeyId) {
        return kmsKeyId != null
                ? kmsKeyId
                : "arn:aws:kms:"
                        + registry.settings().region()
                        + ":"
                        + registry.settings().accountId()
                        + ":alias/aws/kinesisvideo";
    }

    private void deleteStream(JsonBody body, JsonWriter out) {
        StreamState stream = lookup.resolve(body);
        String currentVersion = body.string("CurrentVersion");
        if (currentVersion != null && !currentVersion.equals(stream.version())) {
            throw new KvsError(
                    400,
                    "VersionMismatchException",
                    "The stream version does not match CurrentVersion.");
        }
        registry.delete(stream.name());
    }

    private void describeStream(JsonBody body, JsonWriter out) {
        StreamState stream = lookup.resolve(body);
        out.writeFieldName("StreamInfo");
        writeStreamInfo(stream, out);
    }

    private static void writeStreamInfo(StreamState stream, JsonWriter out) {
        out.writeStartObject();
        JsonOut.string(out, "DeviceName", stream.deviceName());
        JsonOut.string(out, "StreamName", stream.name());
        JsonOut.string(out, "StreamARN", stream.arn());
        JsonOut.string(out, "MediaType", stream.mediaType());
        JsonOut.string(out, "KmsKeyId", stream.kmsKeyId());
        JsonOut.string(out, "Version", stream.version());
        JsonOut.string(out, "Status", "ACTIVE");
        JsonOut.timestamp(out, "CreationTime", stream.creationMillis());
        out.writeFieldName("DataRetentionInHours");
        out.writeValue(stream.retentionHours());
        out.writeEndObject();
    }

    private void listStreams(JsonBody body, JsonWriter out) {
        limits.charge(accountKey("ListStreams"), 1, LIST_STREAMS_PER_ACCOUNT);
        int maxResults = Pages.maxResults(body, 1, 10_000, 10_000);
        String prefix = null;
        JsonBody condition = body.object("StreamNameCondition");
        if (condition != null) {
            String operator = condition.string("ComparisonOperator");
            if (operator != null && !"BEGINS_WITH".equals(operator)) {
                throw KvsError.invalidArgument(
                        "ComparisonOperator must be BEGINS_WITH but was '"
                                + StreamLookup.abbreviate(operator)
                                + "'.");
            }
            prefix = condition.string("ComparisonValue");
        }
        String after = Pages.decodeToken(body.string("NextToken"));
        List<StreamState> matching = new java.util.ArrayList<>();
        for (StreamState stream : registry.all()) {
            if ((prefix == null || stream.name().startsWith(prefix))
                    && (after == null || stream.name().compareTo(after) > 0)) {
                matching.add(stream);
            }
        }
        out.writeFieldName("StreamInfoList");
        out.writeStartArray();
        int n = Math.min(maxResults, matching.size());
        for (int i = 0; i < n; i++) {
            writeStreamInfo(matching.get(i), out);
        }
        out.writeEndArray();
        if (matching.size() > n) {
            JsonOut.string(out, "NextToken", Pages.encodeToken(matching.get(n - 1).name()));
        }
    }

    private void listTags(JsonBody body, JsonWriter out) {
        // A throttled call is refused before the stream is looked up, and counts against the
        // account even when the stream's own quota then refuses it.
        limits.charge(accountKey("ListTagsForStream"), 1, LIST_TAGS_PER_ACCOUNT);
        StreamState stream = lookup.resolve(body);
        limits.charge("stream/" + stream.arn() + "/ListTagsForStream", 1, LIST_TAGS_PER_STREAM);
        JsonOut.stringMap(out, "Tags", stream.tags());
    }

    private void tagStream(JsonBody body, JsonWriter out) {
        StreamState stream = lookup.resolve(body);
        Map<String, String> tags = body.stringMap("Tags");
        if (tags == null || tags.isEmpty()) {
            throw KvsError.invalidArgument("Tags must name at least one tag.");
        }
        if (stream.tags().size() + tags.size() > MAX_TAGS) {
            throw new KvsError(
                    400,
                    "TagsPerResourceExceededLimitException",
                    "A stream can have at most 50 tags.");
        }
        stream.tag(tags);
    }

    private void untagStream(JsonBody body, JsonWriter out) {
        StreamState stream = lookup.resolve(body);
        List<String> keys = body.stringList("TagKeyList");
        if (keys == null || keys.isEmpty()) {
            throw KvsError.invalidArgument("TagKeyList must name at least one key.");
        }
        stream.untag(keys);
    }

    private void getDataEndpoint(JsonBody body, JsonWriter out) {
        String apiName = body.string("APIName");
        if (apiName == null || !API_NAMES.contains(apiName)) {
            throw KvsError.invalidArgument(
                    "APIName must be one of "
                            + new java.util.TreeSet<>(API_NAMES)
                            + " but was '"
                            + StreamLookup.abbreviate(apiName)
                            + "'.");
        }
        StreamState stream = lookup.resolve(body);
        limits.charge("stream/" + stream.name() + "/GetDataEndpoint", 1, 5);
        JsonOut.string(out, "DataEndpoint", dataEndpoint.get());
    }

    /** The rate-limit key of an account-wide quota (LocalKvs serves one account). */
    private String accountKey(String operation) {
        return "account/" + registry.settings().accountId() + "/" + operation;
    }

    /** NextToken and MaxResults handling shared by the paged operations. */
    static final class Pages {
        private Pages() {}

        static int maxResults(JsonBody body, int min, int max, int defaultValue) {
            Integer value = body.integer("MaxResults");
            if (value == null) {
                return defaultValue;
            }
            if (value < min || value > max) {
                throw KvsError.invalidArgument(
                        "MaxResults must be " + min + " to " + max + " but was " + value + ".");
            }
            return value;
        }

        static String encodeToken(String position) {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("v1:" + position).getBytes(StandardCharsets.UTF_8));
        }

        static String decodeToken(String token) {
            if (token == null) {
                return null;
            }
            try {
                String decoded =
                        new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (decoded.startsWith("v1:")) {
                    return decoded.substring(3);
                }
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
            throw KvsError.invalidArgument("NextToken is not valid.");
        }
    }
}
