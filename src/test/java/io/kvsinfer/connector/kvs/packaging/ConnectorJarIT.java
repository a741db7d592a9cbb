package io.kvsinfer.connector.kvs.packaging;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the jars {@code mvn package} built: the connector's jar holds the connector and nothing of
 * LocalKvs, the test helpers or the examples, which users would otherwise carry onto every
 * TaskManager; LocalKvs and the helpers ship in the {@code -tests} jar instead, without the tests.
 * Runs in {@code mvn verify} (failsafe, after packaging).
 */
class ConnectorJarIT {

    private static final String BASE = "io/kvsinfer/connector/kvs/";

    @Test
    void theConnectorJarHoldsOnlyTheConnector() throws IOException {
        List<String> classes = classesIn(jar("connector.jar"));
        assertThat(classes)
                .as("the connector's public API and its parts")
                .contains(
                        BASE + "source/KvsHlsSource.class",
                        BASE + "source/reader/CameraFetcher.class",
                        BASE + "hls/HlsHttpClient.class",
                        BASE + "decoder/FragmentDecoder.class");
        assertThat(classes)
                .as("every class is one of the connector's packages")
                .allMatch(
                        name ->
                                name.startsWith(BASE + "source/")
                                        || name.startsWith(BASE + "hls/")
                                        || name.startsWith(BASE + "decoder/"));
        assertThat(classes)
                .noneMatch(
                        name ->
                                name.contains("/localkvs/")
                                        || name.contains("/examples/")
                                        || name.contains("/testing/"));
    }

    @Test
    void localKvsShipsInTheTestsJarWithoutTheTests() throws IOException {
        List<String> classes = classesIn(jar("connector.tests.jar"));
        assertThat(classes)
                .contains(
                        BASE + "localkvs/LocalKvs.class",
                        BASE + "localkvs/LocalKvsMain.class",
                        BASE + "localkvs/media/SyntheticCamera.class",
                        BASE + "localkvs/FrameIndexCode.class",
                        BASE + "testing/KvsHlsSourceExternalContext.class");
        assertThat(classes)
                .as("LocalKvs and the test helpers (with their sink adapter) only")
                .allMatch(
                        name ->
                                name.startsWith(BASE + "localkvs/")
                                        || name.startsWith(BASE + "testing/")
                                        || name.startsWith(BASE + "compat/"));
        assertThat(classes)
                .as("no test classes")
                .noneMatch(name -> name.matches(".*(Test|ITCase|Benchmark)(\\$.*)?\\.class"));
    }

    private static File jar(String property) {
        File jar = new File(System.getProperty(property, "missing: run through mvn verify"));
        assertThat(jar).as("%s (built by mvn package)", property).isFile();
        return jar;
    }

    private static List<String> classesIn(File file) throws IOException {
        try (JarFile jar = new JarFile(file)) {
            return jar.stream()
                    .map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class"))
                    .collect(Collectors.toList());
        }
    }
}
