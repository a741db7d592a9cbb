package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideo.model.ComparisonOperator;
import software.amazon.awssdk.services.kinesisvideo.model.CreateStreamResponse;
import software.amazon.awssdk.services.kinesisvideo.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisvideo.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideo.model.StreamInfo;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kinesisvideo control plane through the real SDK client. */
class LocalKvsControlPlaneTest {

    @RegisterExtension static final LocalKvsExtension LOCAL_KVS = LocalKvsExtension.create();

    private static LocalKvs localKvs;
    private static KvsTestClients clients;

    @BeforeAll
    static void start() {
        localKvs = LOCAL_KVS.kvs();
        clients = new KvsTestClients(localKvs);
    }

    @AfterAll
    static void stop() {
        clients.close();
    }

    @Test
    void createDescribeAndDeleteThroughTheSdk() {
        CreateStreamResponse created =
                clients.kvs.createStream(
                        b ->
                                b.streamName("cp-create")
                                        .mediaType("video/h264")
                                        .dataRetentionInHours(24)
                                        .deviceName("dev-1")
                                        .tags(Map.of("site", "lab")));
        assertThat(created.streamARN())
                .matches("arn:aws:kinesisvideo:us-east-1:\\d{12}:stream/cp-create/\\d+");

        StreamInfo info = clients.kvs.describeStream(b -> b.streamName("cp-create")).streamInfo();
        assertThat(info.streamName()).isEqualTo("cp-create");
        assertThat(info.streamARN()).isEqualTo(created.streamARN());
        assertThat(info.status()).isEqualTo(Status.ACTIVE);
        assertThat(info.mediaType()).isEqualTo("video/h264");
        assertThat(info.dataRetentionInHours()).isEqualTo(24);
        assertThat(info.deviceName()).isEqualTo("dev-1");
        assertThat(info.kmsKeyId()).isNotBlank();
        assertThat(info.version()).isNotBlank();
        assertThat(info.creationTime())
                .isBefore(Instant.now().plusSeconds(1))
                .isAfter(Instant.now().minusSeconds(60));
        assertThat(
                        clients.kvs
                                .describeStream(b -> b.streamARN(created.streamARN()))
                                .streamInfo()
                                .streamName())
                .isEqualTo("cp-create");
        assertThat(localKvs.stream("cp-create").tags()).containsEntry("site", "lab");

        clients.kvs.deleteStream(b -> b.streamARN(created.streamARN()));
        assertThatThrownBy(() -> clients.kvs.describeStream(b -> b.streamName("cp-create")))
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(
                        e ->
                                assertThat(((ResourceNotFoundException) e).statusCode())
                                        .isEqualTo(404));
    }

    @Test
    void createExistingStreamIsResourceInUse() {
        localKvs.createStream("cp-dup");
        assertThatThrownBy(() -> clients.kvs.createStream(b -> b.streamName("cp-dup")))
                .isInstanceOf(ResourceInUseException.class);
    }

    @Test
    void createRejectsBadNamesAndRetention() {
        assertThatThrownBy(() -> clients.kvs.createStream(b -> b.streamName("bad name!")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.kvs.createStream(b -> b.streamName("x".repeat(257))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(
                        () ->
                                clients.kvs.createStream(
                                        b -> b.streamName("cp-neg").dataRetentionInHours(-1)))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void javaCreatedStreamIsVisibleToTheSdkAndSdkCreatedToJava() {
        localKvs.createStream("cp-java", Map.of("k", "v"));
        assertThat(
                        clients.kvs
                                .describeStream(b -> b.streamName("cp-java"))
                                .streamInfo()
                                .dataRetentionInHours())
                .isPositive();
        clients.kvs.createStream(b -> b.streamName("cp-sdk").dataRetentionInHours(1));
        assertThat(localKvs.stream("cp-sdk").arn()).contains(":stream/cp-sdk/");
        localKvs.deleteStream("cp-sdk");
        assertThatThrownBy(() -> localKvs.stream("cp-sdk"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listStreamsPagesAndFiltersByPrefix() {
        localKvs.createStream("other-stream");
        for (int i = 0; i < 7; i++) {
            localKvs.createStream("page-" + i);
        }
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListStreamsResponse page =
                    clients.kvs.listStreams(
                            b ->
                                    b.maxResults(3)
                                            .nextToken(next)
                                            .streamNameCondition(
                                                    c ->
                                                            c.comparisonOperator(
                                                                            ComparisonOperator
                                                                                    .BEGINS_WITH)
                                                                    .comparisonValue("page-")));
            page.streamInfoList().forEach(s -> names.add(s.streamName()));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(names)
                .containsExactly(
                        "page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6");

        // The SDK paginator walks the same pages.
        assertThat(
                        clients
                                .kvs
                                .listStreamsPaginator(b -> b.maxResults(2))
                                .streamInfoList()
                                .stream()
                                .map(StreamInfo::streamName))
                .contains("page-0", "page-6", "other-stream");
        assertThatThrownBy(() -> clients.kvs.listStreams(b -> b.maxResults(0)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.kvs.listStreams(b -> b.nextToken("not a token")))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void tagsCanBeListedAddedAndRemoved() {
        localKvs.createStream("cp-tags", Map.of("a", "1"));
        clients.kvs.tagStream(b -> b.streamName("cp-tags").tags(Map.of("b", "2")));
        assertThat(clients.kvs.listTagsForStream(b -> b.streamName("cp-tags")).tags())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        clients.kvs.untagStream(b -> b.streamName("cp-tags").tagKeyList("a"));
        assertThat(clients.kvs.listTagsForStream(b -> b.streamName("cp-tags")).tags())
                .containsExactlyEntriesOf(Map.of("b", "2"));
        assertThatThrownBy(() -> clients.kvs.listTagsForStream(b -> b.streamName("cp-missing")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void getDataEndpointReturnsTheServerBaseUrl() {
        localKvs.createStream("cp-endpoint");
        for (APIName api : APIName.knownValues()) {
            assertThat(
                            clients.kvs
                                    .getDataEndpoint(b -> b.streamName("cp-endpoint").apiName(api))
                                    .dataEndpoint())
                    .isEqualTo(localKvs.endpoint().toString());
        }
        assertThat(localKvs.endpoint().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThatThrownBy(
                        () ->
                                clients.kvs.getDataEndpoint(
                                        b -> b.streamName("cp-endpoint").apiName("NOPE")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> clients.kvs.getDataEndpoint(b -> b.streamName("cp-endpoint")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(
                        () ->
                                clients.kvs.getDataEndpoint(
                                        b ->
                                                b.streamName("cp-nothing")
                                                        .apiName(
                                                                APIName
                                                                        .GET_HLS_STREAMING_SESSION_URL)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(localKvs.requestCount(KvsOperation.GET_DATA_ENDPOINT))
                .isGreaterThanOrEqualTo(APIName.knownValues().size() + 3);
    }

    @Test
    void errorsCarryTheAwsHeadersAndMessage() {
        HttpResponse<byte[]> response =
                clients.post("/describeStream", "{\"StreamName\":\"cp-absent\"}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-amzn-ErrorType"))
                .hasValue(
                        "ResourceNotFoundException:https://kinesisvideo.amazonaws.com/doc/2017-09-30/");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .startsWith("{\"Message\":\"");

        HttpResponse<byte[]> ok = clients.post("/listStreams", "{}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("x-amzn-RequestId")).isPresent();
    }
}
