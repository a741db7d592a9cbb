package io.kvsinfer.connector.kvs.localkvs.api;

import io.kvsinfer.connector.kvs.localkvs.http.JsonBody;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.store.StreamRegistry;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import java.util.regex.Pattern;

/** Resolves the StreamName-or-StreamARN pair every KVS operation takes, with AWS's rules. */
@Internal
public final class StreamLookup {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");
    private static final Pattern ARN =
            Pattern.compile(
                    "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+");

    private final StreamRegistry registry;

    public StreamLookup(StreamRegistry registry) {
        this.registry = registry;
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw KvsError.invalidArgument(
                    "StreamName must be 1 to 256 characters of [a-zA-Z0-9_.-] but was '"
                            + abbreviate(name)
                            + "'.");
        }
    }

    private static void checkArn(String arn) {
        if (arn.length() > 1024 || !ARN.matcher(arn).matches()) {
            throw KvsError.invalidArgument("StreamARN is not a valid Kinesis Video stream ARN.");
        }
    }

    /** The stream the body names through exactly one of StreamName and StreamARN. */
    public StreamState resolve(JsonBody body) {
        String name = body.string("StreamName");
        String arn = body.string("StreamARN");
        if (name != null && arn != null) {
            throw KvsError.invalidArgument("Specify either StreamName or StreamARN, not both.");
        }
        if (name == null && arn == null) {
            throw KvsError.invalidArgument("Either StreamName or StreamARN is required.");
        }
        StreamState stream;
        if (name != null) {
            checkName(name);
            stream = registry.byName(name);
        } else {
            checkArn(arn);
            stream = registry.byArn(arn);
        }
        if (stream == null) {
            throw KvsError.notFound(
                    "The requested stream " + (name != null ? name : arn) + " was not found.");
        }
        return stream;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
