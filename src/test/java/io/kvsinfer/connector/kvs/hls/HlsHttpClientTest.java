package io.kvsinfer.connector.kvs.hls;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HlsHttpClientTest {

    private static final String TOKEN = "SECRET-TOKEN-42";
    private HttpServer server;
    private HlsHttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/ok",
                exchange -> {
                    byte[] body = new byte[1000];
                    Arrays.fill(body, (byte) 7);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.createContext(
                "/chunked",
                exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 100; i++) {
                            out.write(new byte[1000]);
                        }
                    } catch (Exception ignored) {
                        // the client hung up on purpose
                    }
                });
        server.createContext(
                "/expired",
                exchange -> {
                    byte[] body =
                            "{\"Message\":\"Streaming session token is expired\"}"
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .add(
                                    "x-amzn-ErrorType",
                                    "NotAuthorizedException:https://kinesisvideo.amazonaws.com/doc/2017-09-30/");
                    exchange.sendResponseHeaders(403, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.createContext(
                "/truncated",
                exchange -> {
                    exchange.sendResponseHeaders(200, 1000);
                    exchange.getResponseBody().write(new byte[400]);
                    exchange.getResponseBody().flush();
                    exchange.getHttpContext().getServer();
                    exchange.close();
                });
        server.createContext(
                "/slow",
                exchange -> {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.createContext(
                "/endless",
                exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        while (true) {
                            out.write(new byte[64 * 1024]);
                        }
                    } catch (Exception ignored) {
                        // the client hung up, as it must
                    }
                });
        server.createContext(
                "/trickle",
                exchange -> {
                    exchange.sendResponseHeaders(200, 100);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 100; i++) {
                            out.write(1);
                            out.flush();
                            Thread.sleep(100);
                        }
                    } catch (Exception ignored) {
                        // the client hung up, as it must
                    }
                });
        server.createContext(
                "/huge",
                exchange -> {
                    // Announces 3 GiB and sends none of it: the client refuses on the header.
                    exchange.sendResponseHeaders(200, 3L << 30);
                    exchange.close();
                });
        server.createContext(
                "/port",
                exchange -> {
                    byte[] body =
                            Integer.toString(exchange.getRemoteAddress().getPort())
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        client = new HlsHttpClient(Duration.ofSeconds(2), Duration.ofMillis(700));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private URI uri(String path) {
        return URI.create(
                "http://127.0.0.1:"
                        + server.getAddress().getPort()
                        + path
                        + "?FragmentNumber=1&SessionToken="
                        + TOKEN);
    }

    @Test
    void fetchesBodiesWithinTheLimit() {
        assertThat(client.fetchBytes(uri("/ok"), 1000)).hasSize(1000);
        assertThat(client.fetchBytesAsync(uri("/ok"), 5000).join()).hasSize(1000);
    }

    @Test
    void refusesBodiesOverTheLimitWithAndWithoutContentLength() {
        assertThatThrownBy(() -> client.fetchBytes(uri("/ok"), 999))
                .isInstanceOfSatisfying(
                        HlsBodyTooLargeException.class,
                        e -> {
                            assertThat(e.size()).isEqualTo(1000);
                            assertThat(e.limit()).isEqualTo(999);
                            assertThat(e.limitedBy("the-option").getMessage())
                                    .endsWith(
                                            "SessionToken=*** has at least 1000 bytes, more than"
                                                + " the limit of 999 bytes (the-option); raise it"
                                                + " if the stream's answers are this large");
                        });
        assertThatThrownBy(() -> client.fetchBytes(uri("/chunked"), 10_000))
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("more than the limit of 10000 bytes");
    }

    @Test
    void aBodyOverWhatAnArrayHoldsIsNotToldToRaiseTheOption() {
        assertThatThrownBy(() -> client.fetchBytes(uri("/huge"), 2L << 30))
                .isInstanceOfSatisfying(
                        HlsBodyTooLargeException.class,
                        e -> {
                            assertThat(e.size()).isEqualTo(3L << 30);
                            assertThat(e.limit()).isEqualTo(Integer.MAX_VALUE - 8);
                            assertThat(e.limitedBy("the-option").getMessage())
                                    .endsWith(
                                            "(the-option), the most one answer can hold as a Java"
                                                    + " array: it cannot be read")
                                    .doesNotContain("raise it");
                        });
    }

    @Test
    void expiredSessionsAreRecognisableAndQuoteKvs() {
        assertThatThrownBy(() -> client.fetchBytes(uri("/expired"), 1000))
                .isInstanceOfSatisfying(
                        HlsFetchException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(403);
                            assertThat(e.getMessage())
                                    .contains(
                                            "HTTP 403 NotAuthorizedException (Streaming session"
                                                    + " token is expired)");
                        });
    }

    @Test
    void truncatedBodiesAndSlowServersFailCleanly() {
        assertThatThrownBy(() -> client.fetchBytes(uri("/truncated"), 10_000))
                .isInstanceOf(HlsFetchException.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.fetchBytes(uri("/slow"), 10_000))
                .isInstanceOf(HlsFetchException.class);
        assertThat(since(start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void aBodyThatNeverEndsIsCutOffAtTheLimit() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.fetchBytes(uri("/endless"), 100_000))
                .isInstanceOf(HlsBodyTooLargeException.class)
                .hasMessageContaining("more than the limit of 100000 bytes");
        assertThat(since(start)).isLessThan(Duration.ofMillis(600));
    }

    @Test
    void theDeadlineBoundsTheWholeAnswerNotEachRead() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.fetchBytes(uri("/trickle"), 10_000))
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("No complete answer within 700 ms")
                .hasMessageNotContaining(TOKEN);
        assertThat(since(start)).isBetween(Duration.ofMillis(650), Duration.ofMillis(2000));
    }

    @Test
    void cancellingADownloadOrInterruptingTheCallerAbortsIt() throws Exception {
        CompletableFuture<byte[]> prefetch = client.fetchBytesAsync(uri("/trickle"), 10_000);
        Thread.sleep(100);
        prefetch.cancel(true);
        assertThat(client.fetchBytes(uri("/ok"), 1000)).hasSize(1000);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller =
                new Thread(
                        () -> {
                            try {
                                client.fetchBytes(uri("/slow"), 1000);
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        });
        caller.start();
        Thread.sleep(100);
        long start = System.nanoTime();
        caller.interrupt();
        caller.join(2000);
        assertThat(since(start)).isLessThan(Duration.ofMillis(300));
        assertThat(failure.get())
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("Interrupted while fetching")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void closingTheClientEndsDownloadsInFlightAndRefusesNewOnes() throws Exception {
        CompletableFuture<byte[]> download = client.fetchBytesAsync(uri("/trickle"), 10_000);
        Thread.sleep(100);
        client.close();
        assertThatThrownBy(() -> download.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HlsFetchException.class);
        assertThatThrownBy(() -> client.fetchBytes(uri("/ok"), 1000))
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("the client is closed");
    }

    @Test
    void connectionsAreKeptAliveAcrossFetches() {
        Set<String> ports = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            ports.add(client.fetchText(uri("/port"), 100));
        }
        assertThat(ports).hasSize(1);
    }

    @Test
    void noMessageOrCauseCarriesTheToken() {
        for (String path :
                new String[] {
                    "/ok", "/chunked", "/expired", "/truncated", "/slow", "/missing", "/trickle"
                }) {
            try {
                client.fetchBytes(uri(path), 10);
            } catch (HlsFetchException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    assertThat(String.valueOf(t.getMessage())).as(path).doesNotContain(TOKEN);
                    assertThat(t.toString()).as(path).doesNotContain(TOKEN);
                }
            }
        }
        assertThat(
                        SessionTokenRedactor.redact(
                                "see http://h/x?a=1&SessionToken=" + TOKEN + "&TrackNumber=1 now"))
                .isEqualTo("see http://h/x?a=1&SessionToken=***&TrackNumber=1 now");
    }
}
