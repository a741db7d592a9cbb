package io.kvsinfer.connector.kvs.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchResultsTest {

    @TempDir Path dir;
    private String previous;

    @BeforeEach
    void pointAtTempFile() {
        previous = System.getProperty(BenchResults.FILE_PROPERTY);
        System.setProperty(BenchResults.FILE_PROPERTY, dir.resolve("sub/results.json").toString());
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty(BenchResults.FILE_PROPERTY);
        } else {
            System.setProperty(BenchResults.FILE_PROPERTY, previous);
        }
    }

    @Test
    void mergesKeysOfSeveralBenchmarksAndReplacesRewrittenOnes() {
        BenchResults.merge(Map.of("a_fps", 12.5, "a_name", "x \"quoted\"\n", "shared", 1));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("cameras", 4);
        nested.put("ok", true);
        nested.put("none", null);
        BenchResults.merge(Map.of("b_runs", List.of(nested, List.of(1, 2)), "shared", 2L));

        Map<String, Object> read = BenchResults.read();
        assertThat(read.get("a_fps")).isEqualTo(new BigDecimal("12.5"));
        assertThat(read.get("a_name")).isEqualTo("x \"quoted\"\n");
        assertThat(read.get("shared")).isEqualTo(new BigDecimal("2"));
        assertThat(read.get("bench_quick")).isInstanceOf(Boolean.class);
        assertThat(read.get("bench_cpus")).isNotNull();
        @SuppressWarnings("unchecked")
        List<Object> runs = (List<Object>) read.get("b_runs");
        assertThat(runs).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) runs.get(0);
        assertThat(first)
                .containsEntry("cameras", new BigDecimal("4"))
                .containsEntry("ok", true)
                .containsEntry("none", null);
    }

    @Test
    void refusesNonFiniteNumbers() {
        assertThatThrownBy(() -> BenchResults.merge(Map.of("bad", Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesPlainNumbers() {
        assertThat(BenchResults.toJson(Map.of("v", 1e-7))).contains("0.0000001");
        assertThat(BenchResults.toJson(Map.of("v", 1200.0))).contains("1200");
    }
}
