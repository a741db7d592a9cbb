package io.kvsinfer.connector.kvs.localkvs;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/** Real AWS SDK v2 clients and a plain HTTP client pointed at a LocalKvs. */
final class KvsTestClients implements AutoCloseable {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));

    final KinesisVideoClient kvs;
    final KinesisVideoArchivedMediaClient media;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final URI endpoint;

    KvsTestClients(LocalKvs localKvs, boolean retries) {
        this.endpoint = localKvs.endpoint();
        this.kvs =
                KinesisVideoClient.builder()
                        .endpointOverride(endpoint)
                        .credentialsProvider(CREDENTIALS)
                        .region(Region.US_EAST_1)
                        .overrideConfiguration(
                                c -> {
                                    if (!retries) {
                                        c.retryStrategy(AwsRetryStrategy.doNotRetry());
                                    }
                                })
                        .build();
        this.media =
                KinesisVideoArchivedMediaClient.builder()
                        .endpointOverride(endpoint)
                        .credentialsProvider(CREDENTIALS)
                        .region(Region.US_EAST_1)
                        .overrideConfiguration(
                                c -> {
                                    if (!retries) {
                                        c.retryStrategy(AwsRetryStrategy.doNotRetry());
                                    }
                                })
                        .build();
    }

    KvsTestClients(LocalKvs localKvs) {
        this(localKvs, false);
    }

    /** A session URL for {@code request}, made with the SDK. */
    String sessionUrl(Consumer<GetHlsStreamingSessionUrlRequest.Builder> request) {
        return media.getHLSStreamingSessionURL(request).hlsStreamingSessionURL();
    }

    HttpResponse<byte[]> get(String url) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GETs {@code url} and returns the body as text, failing unless the status is 200. */
    String getText(String url) {
        HttpResponse<byte[]> response = get(url);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new AssertionError(
                    "GET " + url + " answered " + response.statusCode() + ": " + body);
        }
        return body;
    }

    HttpResponse<byte[]> post(String path, String body) {
        try {
            return http.send(
                    HttpRequest.newBuilder(endpoint.resolve(path))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The media playlist URL a master playlist points at. */
    static String mediaPlaylistUrl(String sessionUrl, String master) {
        for (String line : master.split("\n")) {
            if (line.startsWith("getHLSMediaPlaylist")) {
                return resolve(sessionUrl, line);
            }
        }
        throw new AssertionError("No media playlist in " + master);
    }

    /** Resolves a playlist-relative URL against the URL of the playlist. */
    static String resolve(String playlistUrl, String relative) {
        return URI.create(playlistUrl).resolve(relative).toString();
    }

    @Override
    public void close() {
        kvs.close();
        media.close();
    }
}
