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
        server.start();
        client = new HlsHttpClient(Duration.ofSeconds(2), Duration.ofMillis(700));
    }

    @AfterEach
    void stop() {
        server.stop(0);
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
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("exceeds the limit of 999 bytes");
        assertThatThrownBy(() -> client.fetchBytes(uri("/chunked"), 10_000))
                .isInstanceOf(HlsFetchException.class)
                .hasMessageContaining("exceeds the limit of 10000 bytes");
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
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void noMessageOrCauseCarriesTheToken() {
        for (String path :
                new String[] {"/ok", "/chunked", "/expired", "/truncated", "/slow", "/missing"}) {
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
