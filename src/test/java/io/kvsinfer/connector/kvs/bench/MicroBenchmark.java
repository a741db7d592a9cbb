package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.bench.micro.FrameCopyJmh;
import io.kvsinfer.connector.kvs.bench.micro.PlaylistParsingJmh;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the JMH micro benchmarks ({@code bench.micro}) and records their scores as {@code jmh_*}
 * keys in microseconds per operation. Full: one fork, 3 warm-up and 5 measured iterations of 1 s.
 * Quick: in this JVM, one short iteration each, so that they keep compiling and running.
 */
@Tag("benchmark")
class MicroBenchmark {

    @Test
    void microBenchmarks() throws Exception {
        boolean quick = BenchResults.quick();
        Options options =
                new OptionsBuilder()
                        .include(PlaylistParsingJmh.class.getName())
                        .include(FrameCopyJmh.class.getName())
                        .forks(quick ? 0 : 1)
                        .warmupIterations(quick ? 1 : 3)
                        .warmupTime(TimeValue.milliseconds(quick ? 200 : 1000))
                        .measurementIterations(quick ? 1 : 5)
                        .measurementTime(TimeValue.milliseconds(quick ? 200 : 1000))
                        .jvmArgs("-Xmx2g", "-XX:G1HeapRegionSize=32m")
                        .shouldFailOnError(true)
                        .build();
        Collection<RunResult> runs = new Runner(options).run();
        Map<String, Object> results = new LinkedHashMap<>();
        BenchTable table = new BenchTable("JMH micro benchmarks", "benchmark", "us/op", "error");
        for (RunResult run : runs) {
            String method = run.getParams().getBenchmark().replaceAll(".*\\.", "");
            String param =
                    run.getParams().getParamsKeys().isEmpty()
                            ? ""
                            : "_"
                                    + run.getParams()
                                            .getParam(
                                                    run.getParams()
                                                            .getParamsKeys()
                                                            .iterator()
                                                            .next());
            double score = run.getPrimaryResult().getScore();
            results.put("jmh_" + toSnake(method) + param + "_us", Math.round(score * 100) / 100.0);
            table.row(
                    method + param,
                    String.format("%.2f", score),
                    Double.isNaN(run.getPrimaryResult().getScoreError())
                            ? ""
                            : String.format("%.2f", run.getPrimaryResult().getScoreError()));
        }
        table.print();
        assertThat(results).hasSize(5);
        BenchResults.merge(results);
    }

    private static String toSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
