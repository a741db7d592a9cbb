package io.kvsinfer.connector.kvs.fuzz;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing with Jazzer, each target in a JVM of its own (a crash in FFmpeg or a hang
 * is a finding, not the end of the build), seeded with real fragments and KVS playlists and a fixed
 * libFuzzer seed. Every build fuzzes each target for {@code fuzz.seconds} (20 s); {@code mvn -B
 * -Pfuzz verify} for 10 minutes each. Findings stay in {@code target/fuzz/<target>/findings} and
 * fail the test; each fixed one becomes a file under {@code src/test/resources/fuzz/} that {@link
 * FuzzRegressionTest} replays. Writes {@code target/fuzz/report.md}.
 */
@Tag("fuzz")
class FuzzITCase {

    private static final int SECONDS = Integer.getInteger("fuzz.seconds", 20);
    private static final long SEED = Long.getLong("fuzz.seed", 20261124L);
    private static final Path ROOT = Path.of("target", "fuzz").toAbsolutePath();
    private static final List<String> REPORT = new ArrayList<>();

    @Test
    void playlistParser() throws Exception {
        Path dir = fresh("playlist");
        fuzz(PlaylistFuzzTarget.class, dir, FuzzSeeds.playlists(dir.resolve("seeds")));
    }

    @Test
    void fragmentsThroughTheDecoder() throws Exception {
        Path dir = fresh("fragment");
        fuzz(FragmentFuzzTarget.class, dir, FuzzSeeds.fragments(dir.resolve("seeds")));
    }

    private static void fuzz(Class<?> target, Path dir, Path seeds) throws Exception {
        List<Path> inputs = new ArrayList<>(List.of(seeds));
        Path regressions =
                Path.of("src/test/resources/fuzz", FuzzRegressionTest.directoryOf(target))
                        .toAbsolutePath();
        if (Files.isDirectory(regressions)) {
            inputs.add(regressions);
        }
        JazzerRun.Result result = JazzerRun.run(target, dir, inputs, SECONDS, SEED);
        String line =
                String.format(
                        "| %s | %d s | %d | %d | %d | %d | %s |",
                        target.getSimpleName(),
                        SECONDS,
                        result.executions(),
                        result.coverage(),
                        result.features(),
                        result.corpus(),
                        result.findings().isEmpty() ? "none" : result.findings().toString());
        synchronized (REPORT) {
            REPORT.add(line);
        }
        assertThat(result.findings())
                .as(
                        "inputs that crashed or hung %s (log: %s)",
                        target.getSimpleName(), result.log())
                .isEmpty();
        assertThat(result.exitCode())
                .as("Jazzer's exit code for %s (log: %s)", target.getSimpleName(), result.log())
                .isZero();
        assertThat(result.executions())
                .as("inputs run on %s", target.getSimpleName())
                .isGreaterThan(100);
    }

    private static Path fresh(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    @AfterAll
    static void writeReport() throws IOException {
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                "# Fuzzing (Jazzer, seed " + SEED + ")",
                                "",
                                "| target | time | inputs run | cov (Java edges) | ft (features) |"
                                        + " corpus | findings |",
                                "|---|---|---|---|---|---|---|"));
        lines.addAll(REPORT);
        Files.createDirectories(ROOT);
        Files.write(ROOT.resolve("report.md"), lines);
    }
}
