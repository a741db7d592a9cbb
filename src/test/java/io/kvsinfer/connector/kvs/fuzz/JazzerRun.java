package io.kvsinfer.connector.kvs.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of Jazzer's coverage-guided fuzzer (libFuzzer inside) on a target, in a JVM of its own,
 * so that a crash in native code or a hang is reported as a finding instead of ending the build.
 * Its output goes to {@code <dir>/fuzz.log}; inputs that crash or hang go to {@code
 * <dir>/findings}.
 */
final class JazzerRun {

    /** What a run did: inputs executed, Java coverage (libFuzzer's cov and ft), and findings. */
    record Result(
            int exitCode,
            long executions,
            long coverage,
            long features,
            long corpus,
            List<Path> findings,
            Path log) {

        boolean clean() {
            return exitCode == 0 && findings.isEmpty();
        }
    }

    private static final Pattern DONE =
            Pattern.compile("#(\\d+)\\s+DONE\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)");
    private static final Pattern PROGRESS =
            Pattern.compile("#(\\d+)\\s+\\w+\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)");

    private JazzerRun() {}

    static Result run(Class<?> target, Path dir, List<Path> seeds, int seconds, long seed)
            throws IOException, InterruptedException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Path findings = Files.createDirectories(dir.resolve("findings"));
        Path log = dir.resolve("fuzz.log");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx2g",
                                "-XX:G1HeapRegionSize=32m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "com.code_intelligence.jazzer.Jazzer",
                                "--target_class=" + target.getName(),
                                "--instrumentation_includes=io.kvsinfer.connector.kvs.**",
                                "-seed=" + seed,
                                "-max_total_time=" + seconds,
                                "-timeout=20",
                                "-rss_limit_mb=6144",
                                "-print_final_stats=1",
                                "-artifact_prefix=" + findings + "/",
                                corpus.toString()));
        seeds.forEach(s -> command.add(s.toString()));
        Process process =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(seconds + 180L, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(
                    "Jazzer on " + target.getSimpleName() + " did not stop; see " + log);
        }
        long[] stats = {0, 0, 0, 0};
        for (String line : Files.readAllLines(log)) {
            Matcher done = DONE.matcher(line);
            Matcher progress = PROGRESS.matcher(line);
            Matcher m = done.find() ? done : progress.find() ? progress : null;
            if (m != null) {
                for (int i = 0; i < 4; i++) {
                    stats[i] = Math.max(stats[i], Long.parseLong(m.group(i + 1)));
                }
            }
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(findings)) {
            found = files.sorted().toList();
        }
        return new Result(process.exitValue(), stats[0], stats[1], stats[2], stats[3], found, log);
    }
}
