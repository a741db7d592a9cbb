package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile and malformed input: clean AWS-style 4xx answers, and the server keeps serving. */
class LocalKvsBadInputTest {

    private static final String ERROR_SUFFIX =
            ":https://kinesisvideo.amazonaws.com/doc/2017-09-30/";

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs localKvs;
    private static KvsTestClients clients;
    private static String mediaUrl;
    private static String token;

    @BeforeAll
    static void start() {
        localKvs = LOCAL_KVS.kvs();
        clients = new KvsTestClients(localKvs);
        long now = System.currentTimeMillis();
        localKvs.createStream("bad").appendArchived(new TestMedia("b", 3, 2000), now - 20_000, 10);
        localKvs.createStream("healthy").startLive(new TestMedia("h", 3, 200));
        // A LIVE session needs a complete fragment; without this wait a fast run asks too early.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (localKvs.stream("healthy").fragments().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        String url =
                clients.sessionUrl(
                        b ->
                                b.streamName("bad")
                                        .playbackMode("ON_DEMAND")
                                        .hlsFragmentSelector(
                                                s -> s.timestampRange(range(now - 30_000, now))));
        token = url.substring(url.indexOf("SessionToken=") + 13);
        mediaUrl = KvsTestClients.mediaPlaylistUrl(url, clients.getText(url));
    }

    @AfterAll
    static void stop() {
        clients.close();
    }

    private static void assertCleanError(HttpResponse<byte[]> response, int status, String code) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(code + ERROR_SUFFIX);
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(body)
                .startsWith("{\"Message\":\"")
                .doesNotContain("\tat ")
                .doesNotContain("Exception:");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{",
                "not json",
                "{\"StreamName\":}",
                "[1,2]",
                "\"text\"",
                "{\"a\":1}}",
                "\u0000\u0001"
            })
    void malformedJsonIsASerializationError(String body) {
        assertCleanError(clients.post("/describeStream", body), 400, "SerializationException");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/describeStream|{\"StreamName\":5}",
                "/describeStream|{\"StreamName\":[\"bad\"]}",
                "/createStream|{\"StreamName\":\"x\",\"DataRetentionInHours\":\"24\"}",
                "/createStream|{\"StreamName\":\"x\",\"DataRetentionInHours\":1.5}",
                "/createStream|{\"StreamName\":\"x\",\"DataRetentionInHours\":99999999999}",
                "/createStream|{\"StreamName\":\"x\",\"Tags\":{\"a\":1}}",
                "/untagStream|{\"StreamName\":\"bad\",\"TagKeyList\":\"a\"}",
                "/listStreams|{\"StreamNameCondition\":\"BEGINS_WITH\"}",
                "/getHLSStreamingSessionURL|{\"StreamName\":\"bad\",\"Expires\":\"300\"}",
                "/getHLSStreamingSessionURL|{\"StreamName\":\"bad\",\"PlaybackMode\":1}",
                "/getHLSStreamingSessionURL|{\"StreamName\":\"bad\",\"PlaybackMode\":\"ON_DEM"
                    + "AND\",\"HLSFragmentSelector\":{\"TimestampRange\":{\"StartTimestamp\":\"yest"
                    + "erday\",\"EndTimestamp\":1}}}",
                "/getHLSStreamingSessionURL|{\"StreamName\":\"bad\",\"HLSFragmentSelector\":[]}",
                "/listFragments|{\"StreamName\":\"bad\",\"MaxResults\":true}",
            })
    void wrongFieldTypesAreSerializationErrors(String path, String body) {
        assertCleanError(clients.post(path, body), 400, "SerializationException");
    }

    @Test
    void unknownOperationsAndMethods() {
        assertCleanError(clients.post("/doesNotExist", "{}"), 404, "UnknownOperationException");
        assertCleanError(
                clients.get(localKvs.endpoint() + "/nothing/here"),
                404,
                "UnknownOperationException");
        assertCleanError(
                clients.get(
                        localKvs.endpoint() + "/hls/v1/getDASHManifest.mpd?SessionToken=" + token),
                404,
                "UnknownOperationException");
        assertCleanError(
                clients.get(localKvs.endpoint() + "/listStreams"),
                405,
                "MethodNotAllowedException");
        assertCleanError(
                clients.post("/hls/v1/getHLSMediaPlaylist.m3u8?SessionToken=" + token, "{}"),
                405,
                "MethodNotAllowedException");
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        String big = "{\"StreamName\":\"" + "a".repeat(1 << 20) + "\"}";
        assertCleanError(
                clients.post("/describeStream", big), 413, "RequestEntityTooLargeException");
        // Without a Content-Length (chunked), the limit still holds.
        HttpResponse<byte[]> chunked =
                clients.http.send(
                        HttpRequest.newBuilder(URI.create(localKvs.endpoint() + "/describeStream"))
                                .POST(
                                        HttpRequest.BodyPublishers.ofInputStream(
                                                () ->
                                                        new java.io.ByteArrayInputStream(
                                                                big.getBytes(
                                                                        StandardCharsets.UTF_8))))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertCleanError(chunked, 413, "RequestEntityTooLargeException");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "getHLSMediaPlaylist.m3u8?SessionToken=TOKEN&TrackNumber=2",
                "getHLSMediaPlaylist.m3u8?SessionToken=TOKEN&TrackNumber=%00",
                "getMP4MediaFragment.mp4?FragmentNumber=-1&SessionToken=TOKEN&TrackNumber=1",
                "getMP4MediaFragment.mp4?FragmentNumber=1e9&SessionToken=TOKEN&TrackNumber=1",
                "getMP4MediaFragment.mp4?FragmentNumber=%27%20OR%201%3D1&SessionToken=TOKEN",
                "getMP4MediaFragment.mp4?SessionToken=TOKEN&TrackNumber=1",
                "getTSFragment.ts?FragmentNumber=&SessionToken=TOKEN",
                "getMP4InitFragment.mp4?SessionToken=TOKEN&InitId=abc",
                "getMP4InitFragment.mp4?SessionToken=TOKEN&InitId=99999999999",
            })
    void hostileQueryStringsAreInvalidArguments(String query) {
        assertCleanError(
                clients.get(localKvs.endpoint() + "/hls/v1/" + query.replace("TOKEN", token)),
                400,
                "InvalidArgumentException");
    }

    @Test
    void absurdQueryStringsAreRefused() {
        String base =
                localKvs.endpoint() + "/hls/v1/getHLSMediaPlaylist.m3u8?SessionToken=" + token;
        assertCleanError(
                clients.get(base + "&x=" + "y".repeat(9000)), 400, "InvalidArgumentException");
        assertCleanError(clients.get(base + "&a=1".repeat(40)), 400, "InvalidArgumentException");
        String digits = "9".repeat(200);
        assertCleanError(
                clients.get(
                        localKvs.endpoint()
                                + "/hls/v1/getMP4MediaFragment.mp4?FragmentNumber="
                                + digits
                                + "&SessionToken="
                                + token),
                400,
                "InvalidArgumentException");
        assertCleanError(
                clients.get(
                        localKvs.endpoint()
                                + "/hls/v1/getMP4MediaFragment.mp4?FragmentNumber="
                                + "9".repeat(60)
                                + "&SessionToken="
                                + token),
                404,
                "ResourceNotFoundException");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nope", "..%2F..%2Fetc%2Fpasswd", "%E2%9C%93", "AAAA"})
    void unknownSessionTokensAre403(String badToken) {
        for (String op :
                new String[] {
                    "getHLSMasterPlaylist.m3u8",
                    "getHLSMediaPlaylist.m3u8",
                    "getMP4InitFragment.mp4",
                    "getMP4MediaFragment.mp4",
                    "getTSFragment.ts"
                }) {
            HttpResponse<byte[]> response =
                    clients.get(
                            localKvs.endpoint()
                                    + "/hls/v1/"
                                    + op
                                    + "?SessionToken="
                                    + badToken
                                    + "&TrackNumber=1&FragmentNumber=1");
            assertCleanError(response, 403, "NotAuthorizedException");
        }
        assertCleanError(
                clients.get(localKvs.endpoint() + "/hls/v1/getHLSMasterPlaylist.m3u8"),
                403,
                "NotAuthorizedException");
    }

    @Test
    void unparsableRequestLinesAreRefusedBeforeDispatch() throws Exception {
        // The JDK server refuses a request line that is not a URI (plain 400) before LocalKvs sees
        // it.
        URI endpoint = localKvs.endpoint();
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(
                            ("GET /hls/v1/getHLSMediaPlaylist.m3u8?SessionToken=%zz&TrackNumber=1"
                                            + " HTTP/1.1\r\n"
                                            + "Host: 127.0.0.1\r\n"
                                            + "Connection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer =
                    new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("\tat ");
        }
    }

    @Test
    void garbageOnTheSocketDoesNotHurtOtherStreams() throws Exception {
        URI endpoint = localKvs.endpoint();
        for (String garbage :
                new String[] {
                    "GARBAGE\r\n\r\n",
                    "GET /%%%%/ HTTP/1.1\r\nHost: x\r\n\r\n",
                    "POST /describeStream HTTP/1.1\r\nContent-Length: 99\r\n\r\n{",
                    "\u0000\u0001\u0002\r\n\r\n"
                }) {
            try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                socket.setSoTimeout(2000);
                OutputStream out = socket.getOutputStream();
                out.write(garbage.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).doesNotContain(" 500 ");
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // A closed or silent connection is a fine answer to garbage.
            }
        }
        assertThat(clients.getText(mediaUrl)).contains("#EXTM3U");
        String live = clients.sessionUrl(b -> b.streamName("healthy"));
        assertThat(clients.getText(live)).contains("#EXT-X-STREAM-INF");
        assertThat(clients.kvs.listStreams(b -> {}).streamInfoList())
                .hasSizeGreaterThanOrEqualTo(2);
    }

    /**
     * The range from {@code from} to {@code to}, for the SDK's builder (keeps the nested lambdas
     * short).
     */
    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            Instant from, Instant to) {
        return r -> r.startTimestamp(from).endTimestamp(to);
    }

    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            long fromMillis, long toMillis) {
        return range(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    }
}
