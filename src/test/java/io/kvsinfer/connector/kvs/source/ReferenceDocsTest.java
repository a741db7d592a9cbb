package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.metrics.KvsSourceMetrics;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every option and metric in the code is in the reference, and the reference names no other. */
class ReferenceDocsTest {

    private static final Path REFERENCE = Path.of("docs/kvs-hls-source.md");

    @Test
    void everyOptionIsDocumentedAndEveryDocumentedOptionExists() throws Exception {
        String docs = Files.readString(REFERENCE);
        List<String> keys = new ArrayList<>();
        for (Field field : KvsSourceOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                keys.add(((ConfigOption<?>) field.get(null)).key());
            }
        }
        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(docs).contains("`" + key + "`"));
        Matcher documented = Pattern.compile("`(source\\.kvs\\.[a-z0-9.\\-]+)`").matcher(docs);
        while (documented.find()) {
            assertThat(keys)
                    .as("documented option %s exists", documented.group(1))
                    .contains(documented.group(1));
        }
    }

    /**
     * Every option key named anywhere in the docs or the README exists, so a typo cannot mislead.
     */
    @Test
    void everyOptionNamedInAnyDocumentExists() throws Exception {
        List<String> keys = new ArrayList<>();
        for (Field field : KvsSourceOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                keys.add(((ConfigOption<?>) field.get(null)).key());
            }
        }
        List<Path> documents = new ArrayList<>();
        documents.add(Path.of("README.md"));
        try (var files = Files.walk(Path.of("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(documents::add);
        }
        assertThat(documents).hasSizeGreaterThan(5);
        for (Path document : documents) {
            Matcher named =
                    Pattern.compile("(source\\.kvs\\.[a-z0-9.\\-]*[a-z0-9])")
                            .matcher(Files.readString(document));
            while (named.find()) {
                String key = named.group(1);
                assertThat(keys.stream().anyMatch(k -> k.equals(key) || k.startsWith(key + ".")))
                        .as("%s names option %s, which exists", document, key)
                        .isTrue();
            }
        }
    }

    @Test
    void everyCameraMetricIsDocumented() throws Exception {
        String docs = Files.readString(REFERENCE);
        List<String> names = new ArrayList<>();
        for (Field field : KvsSourceMetrics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && field.getType() == String.class
                    && !field.getName().equals("GROUP")
                    && !field.getName().equals("CAMERA_KEY")) {
                names.add((String) field.get(null));
            }
        }
        assertThat(names)
                .hasSizeGreaterThan(5)
                .allSatisfy(name -> assertThat(docs).contains("| `" + name + "` |"));
        Matcher documented =
                Pattern.compile("\\n\\| `([a-zA-Z_]+)` \\| (counter|gauge) \\|").matcher(docs);
        while (documented.find()) {
            assertThat(names)
                    .as("documented metric %s exists", documented.group(1))
                    .contains(documented.group(1));
        }
    }
}
