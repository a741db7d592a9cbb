package io.kvsinfer.connector.kvs.fuzz;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Replays, in this JVM, every input under {@code src/test/resources/fuzz/<target>/}: inputs that
 * fuzzing found to crash, hang or throw, kept after the fix, and hand-made hostile inputs. Each
 * must now be rejected cleanly.
 */
class FuzzRegressionTest {

    static String directoryOf(Class<?> target) {
        return target.getSimpleName().replace("FuzzTarget", "").toLowerCase(Locale.ROOT);
    }

    static Stream<Arguments> inputs() throws IOException {
        Stream.Builder<Arguments> all = Stream.builder();
        for (Class<?> target : List.of(PlaylistFuzzTarget.class, FragmentFuzzTarget.class)) {
            Path dir = Path.of("src/test/resources/fuzz", directoryOf(target));
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> !p.getFileName().toString().endsWith(".md"))
                        .sorted()
                        .forEach(p -> all.add(Arguments.of(target.getSimpleName(), p)));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("inputs")
    void isRejectedCleanly(String target, Path input) throws Exception {
        byte[] data = Files.readAllBytes(input);
        if (target.equals(PlaylistFuzzTarget.class.getSimpleName())) {
            assertThatCode(() -> PlaylistFuzzTarget.fuzzerTestOneInput(data))
                    .doesNotThrowAnyException();
        } else {
            assertThatCode(() -> FragmentFuzzTarget.fuzzerTestOneInput(data))
                    .doesNotThrowAnyException();
        }
    }
}
