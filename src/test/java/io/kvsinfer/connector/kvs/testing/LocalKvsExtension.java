package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;

import org.apache.flink.util.Preconditions;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.util.function.Consumer;

/**
 * LocalKvs on loopback for a JUnit 5 test: registered in a static field it serves the whole class,
 * in an instance field each test gets a fresh one. Started before the test's own {@code @BeforeAll}
 * or {@code @BeforeEach} methods, closed after the matching {@code @After...} methods.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKvsExtension KVS = LocalKvsExtension.create();
 *
 * @RegisterExtension
 * final LocalKvsExtension kvs = LocalKvsExtension.with(b -> b.clock(clock).enforceQuotas(true));
 * }</pre>
 */
public final class LocalKvsExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Consumer<LocalKvs.Builder> settings;
    private LocalKvs kvs;
    private boolean perClass;

    private LocalKvsExtension(Consumer<LocalKvs.Builder> settings) {
        this.settings = settings;
    }

    /** LocalKvs with its defaults. */
    public static LocalKvsExtension create() {
        return with(builder -> {});
    }

    /** LocalKvs set up by {@code settings} (a clock, quotas, retention...). */
    public static LocalKvsExtension with(Consumer<LocalKvs.Builder> settings) {
        return new LocalKvsExtension(Preconditions.checkNotNull(settings));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() {
        LocalKvs.Builder builder = LocalKvs.builder();
        settings.accept(builder);
        kvs = builder.build().start();
    }

    private void stop() {
        if (kvs != null) {
            kvs.close();
            kvs = null;
        }
    }

    /** The running LocalKvs. */
    public LocalKvs kvs() {
        return Preconditions.checkNotNull(kvs, "LocalKvs runs only while a test of its class runs");
    }

    /** Where the SDK and the source reach it ({@code endpointOverride}). */
    public URI endpoint() {
        return kvs().endpoint();
    }
}
