package io.kvsinfer.connector.kvs.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No line of Java over 120 columns. google-java-format (Spotless, checked in the build) keeps code
 * within 100 but leaves long string literals and line comments alone; this catches those.
 */
class CodeStyleTest {

    private static final int MAX_COLUMNS = 120;

    @Test
    void noLineIsLongerThan120Columns() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (String root :
                List.of(
                        "src/main/java",
                        "src/test/java",
                        "examples/src/main/java",
                        "src/test/flink-2/java",
                        "src/test/flink-1.20/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path file :
                        (Iterable<Path>)
                                files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).length() > MAX_COLUMNS) {
                            tooLong.add(
                                    file
                                            + ":"
                                            + (i + 1)
                                            + " ("
                                            + lines.get(i).length()
                                            + " columns)");
                        }
                    }
                }
            }
        }
        assertThat(tooLong).as("lines over %s columns", MAX_COLUMNS).isEmpty();
    }
}
