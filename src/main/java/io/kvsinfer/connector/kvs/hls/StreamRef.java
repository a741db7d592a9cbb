package io.kvsinfer.connector.kvs.hls;

import org.apache.flink.annotation.Internal;

import java.util.Objects;
import java.util.regex.Pattern;

/** A KVS stream named by its name or by its ARN, validated as KVS does. */
@Internal
public final class StreamRef {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.\\-]{1,256}");
    private static final Pattern ARN =
            Pattern.compile(
                    "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]{12}:stream/[a-zA-Z0-9_.\\-]{1,256}/[0-9]+");

    private final String value;
    private final boolean arn;

    private StreamRef(String value, boolean arn) {
        this.value = value;
        this.arn = arn;
    }

    /** A stream ARN if {@code nameOrArn} starts with {@code arn:}, else a stream name. */
    public static StreamRef parse(String nameOrArn) {
        return nameOrArn != null && nameOrArn.startsWith("arn:")
                ? ofArn(nameOrArn)
                : ofName(nameOrArn);
    }

    public static StreamRef ofName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Invalid KVS stream name '"
                            + name
                            + "': allowed are 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and"
                            + " '-'");
        }
        return new StreamRef(name, false);
    }

    public static StreamRef ofArn(String arn) {
        if (arn == null || !ARN.matcher(arn).matches()) {
            throw new IllegalArgumentException(
                    "Invalid KVS stream ARN '"
                            + arn
                            + "': expected arn:aws:kinesisvideo:<region>:<12-digit"
                            + " account>:stream/<name>/<creation time>");
        }
        return new StreamRef(arn, true);
    }

    public boolean isArn() {
        return arn;
    }

    /** The name or ARN as given. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamRef
                && ((StreamRef) o).value.equals(value)
                && ((StreamRef) o).arn == arn;
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, arn);
    }

    @Override
    public String toString() {
        return value;
    }
}
