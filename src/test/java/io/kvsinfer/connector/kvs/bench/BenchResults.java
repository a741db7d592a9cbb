package io.kvsinfer.connector.kvs.bench;

import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every benchmark shares: whether this is a quick run, and {@code target/bench/results.json},
 * one flat JSON object into which each benchmark merges its keys (a key written again replaces the
 * old value; keys of other benchmarks stay).
 *
 * <p>Benchmarks are JUnit 5 classes named {@code *Benchmark}, tagged {@code @Tag("benchmark")}. The
 * default build runs them in quick mode ({@code bench.quick=true}: tiny sizes, a few seconds) so
 * they never rot; {@code mvn -B -Pbench verify} runs only them in full mode. They assert only that
 * numbers were produced, never a speed target: numbers on a shared machine drift.
 *
 * <p>Values may be numbers, strings, booleans, null, lists and maps of those. The file also gets
 * {@code bench_quick}, {@code bench_updated} and {@code bench_cpus}, so a reader can tell a quick
 * run's numbers from a full run's.
 */
public final class BenchResults {

    /** System property: {@code true} (the default) for quick mode, {@code false} for full runs. */
    public static final String QUICK_PROPERTY = "bench.quick";

    /**
     * System property: where results go; the pom points it at {@code target/bench/results.json}.
     */
    public static final String FILE_PROPERTY = "bench.results";

    private BenchResults() {}

    /** Whether benchmarks should run small (the default unless {@code -Dbench.quick=false}). */
    public static boolean quick() {
        return !"false".equalsIgnoreCase(System.getProperty(QUICK_PROPERTY, "true").trim());
    }

    /**
     * An integer setting {@code name} from the system properties, or {@code quick}/{@code full}.
     */
    public static int intSetting(String name, int quick, int full) {
        String value = System.getProperty(name);
        return value == null || value.isBlank()
                ? (quick() ? quick : full)
                : Integer.parseInt(value.trim());
    }

    public static Path file() {
        return Path.of(System.getProperty(FILE_PROPERTY, "target/bench/results.json"));
    }

    /** Merges {@code values} into {@link #file()}, creating it, under a file lock. */
    public static synchronized void merge(Map<String, ?> values) {
        Path file = file();
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel channel =
                            FileChannel.open(
                                    file,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.READ,
                                    StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                byte[] old = Channels.newInputStream(channel).readAllBytes();
                Map<String, Object> merged = new TreeMap<>(parse(old));
                for (Map.Entry<String, ?> e : values.entrySet()) {
                    merged.put(e.getKey(), check(e.getKey(), e.getValue()));
                }
                merged.put("bench_quick", quick());
                merged.put(
                        "bench_updated", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                merged.put("bench_cpus", Runtime.getRuntime().availableProcessors());
                byte[] json = (toJson(merged) + "\n").getBytes(StandardCharsets.UTF_8);
                channel.truncate(0);
                channel.position(0);
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** The current content of {@link #file()}, or an empty map. */
    public static Map<String, Object> read() {
        try {
            return Files.exists(file()) ? parse(Files.readAllBytes(file())) : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> parse(byte[] json) {
        if (new String(json, StandardCharsets.UTF_8).isBlank()) {
            return new LinkedHashMap<>();
        }
        JsonNode root = JsonNodeParser.create().parse(json);
        if (!root.isObject()) {
            throw new IllegalStateException("bench results must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) toJava(root);
        return map;
    }

    private static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.asObject().forEach((k, v) -> map.put(k, toJava(v)));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.asArray().forEach(v -> list.add(toJava(v)));
            return list;
        }
        if (node.isNumber()) {
            return new BigDecimal(node.asNumber());
        }
        if (node.isString()) {
            return node.text();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return null;
    }

    private static Object check(String key, Object value) {
        if (value instanceof Double d && !Double.isFinite(d)
                || value instanceof Float f && !Float.isFinite(f)) {
            throw new IllegalArgumentException("bench result " + key + " is not finite: " + value);
        }
        return value;
    }

    /** Pretty JSON: objects one key a line, lists of scalars on one line. */
    static String toJson(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            String inner = indent + "  ";
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(inner);
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), inner);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                write(out, list.get(i), indent);
            }
            out.append(']');
        } else if (value instanceof Double d) {
            out.append(
                    Double.isFinite(d)
                            ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
                            : "null");
        } else if (value instanceof Float f) {
            write(out, f.doubleValue(), indent);
        } else if (value instanceof BigDecimal b) {
            out.append(b.toPlainString());
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
