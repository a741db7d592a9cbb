package io.kvsinfer.connector.kvs.hls;

import io.kvsinfer.connector.kvs.hls.KvsApiException.Kind;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideo.model.DescribeStreamRequest;
import software.amazon.awssdk.services.kinesisvideo.model.GetDataEndpointRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.GetHlsStreamingSessionUrlRequest;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSDisplayFragmentTimestamp;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelector;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two hops before any video: GetDataEndpoint on the control plane (cached per stream, it is
 * stable) and GetHLSStreamingSessionURL on that data endpoint. SDK errors become {@link
 * KvsApiException}s whose kind says what went wrong. Thread-safe: one instance serves every camera
 * of a reader.
 */
@Internal
public final class KvsSessionClient implements AutoCloseable {

    static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(20);

    private final KinesisVideoClient controlPlane;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final ClientOverrideConfiguration overrides;

    /**
     * True when talking to AWS itself (no endpoint override): every URI it hands out must be HTTPS.
     */
    private final boolean httpsOnly;

    private final Map<StreamRef, URI> dataEndpoints = new ConcurrentHashMap<>();
    private final Map<URI, KinesisVideoArchivedMediaClient> archivedMediaClients =
            new ConcurrentHashMap<>();

    public KvsSessionClient(
            String region,
            AwsCredentialsProvider credentials,
            Optional<URI> endpointOverride,
            Clock clock) {
        this(region, credentials, endpointOverride, clock, DEFAULT_API_CALL_TIMEOUT);
    }

    /**
     * @param apiCallTimeout bound of each API call including the SDK's own retries, so that a
     *     hanging endpoint cannot stall a camera's fetcher thread
     */
    public KvsSessionClient(
            String region,
            AwsCredentialsProvider credentials,
            Optional<URI> endpointOverride,
            Clock clock,
            Duration apiCallTimeout) {
        this.region = Region.of(region);
        this.credentials = credentials;
        this.clock = clock;
        this.overrides = ControlPlaneClients.timeouts(apiCallTimeout);
        this.controlPlane =
                ControlPlaneClients.create(region, credentials, endpointOverride, apiCallTimeout);
        this.httpsOnly = endpointOverride.isEmpty();
    }

    /**
     * Refuses a plain-HTTP data endpoint or session URL from AWS: tokens and video then travel in
     * clear. Plain HTTP is only for an explicit endpoint override such as LocalKvs.
     */
    static URI requireHttps(URI uri, boolean httpsOnly, String what, StreamRef stream) {
        if (httpsOnly && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new KvsApiException(
                    Kind.INVALID_ARGUMENT,
                    what
                            + " for stream "
                            + stream.value()
                            + " is not HTTPS (scheme '"
                            + uri.getScheme()
                            + "', host "
                            + uri.getHost()
                            + "); the source reaches AWS only over HTTPS, plain HTTP only with an"
                            + " explicit endpoint override.");
        }
        return uri;
    }

    /** The control-plane client, for calls other than the two hops (discovery, describe). */
    public KinesisVideoClient controlPlane() {
        return controlPlane;
    }

    public URI dataEndpoint(StreamRef stream) {
        URI cached = dataEndpoints.get(stream);
        if (cached != null) {
            return cached;
        }
        GetDataEndpointRequest.Builder request =
                GetDataEndpointRequest.builder().apiName(APIName.GET_HLS_STREAMING_SESSION_URL);
        if (stream.isArn()) {
            request.streamARN(stream.value());
        } else {
            request.streamName(stream.value());
        }
        try {
            URI endpoint =
                    requireHttps(
                            URI.create(
                                    controlPlane.getDataEndpoint(request.build()).dataEndpoint()),
                            httpsOnly,
                            "The data endpoint",
                            stream);
            dataEndpoints.put(stream, endpoint);
            return endpoint;
        } catch (SdkException | IllegalArgumentException e) {
            throw translate(e, "GetDataEndpoint", stream);
        }
    }

    /** How long the stream keeps fragments (DescribeStream's DataRetentionInHours). */
    public Duration dataRetention(StreamRef stream) {
        DescribeStreamRequest.Builder request = DescribeStreamRequest.builder();
        if (stream.isArn()) {
            request.streamARN(stream.value());
        } else {
            request.streamName(stream.value());
        }
        try {
            Integer hours =
                    controlPlane
                            .describeStream(request.build())
                            .streamInfo()
                            .dataRetentionInHours();
            return Duration.ofHours(hours == null ? 0 : hours);
        } catch (SdkException e) {
            throw translate(e, "DescribeStream", stream);
        }
    }

    public HlsSessionUrl openSession(StreamRef stream, HlsSessionRequest request) {
        URI endpoint = dataEndpoint(stream);
        Instant requestedAt = clock.instant();
        GetHlsStreamingSessionUrlRequest.Builder call =
                GetHlsStreamingSessionUrlRequest.builder()
                        .playbackMode(request.playbackMode().name())
                        .containerFormat(request.containerFormat())
                        .displayFragmentTimestamp(HLSDisplayFragmentTimestamp.ALWAYS)
                        .expires(request.expiresSeconds())
                        .maxMediaPlaylistFragmentResults((long) request.maxFragmentResults());
        HLSFragmentSelector.Builder selector =
                HLSFragmentSelector.builder().fragmentSelectorType(request.selector());
        if (request.start().isPresent()) {
            selector.timestampRange(
                    HLSTimestampRange.builder()
                            .startTimestamp(request.start().get())
                            .endTimestamp(request.end().orElse(null))
                            .build());
        }
        call.hlsFragmentSelector(selector.build());
        if (stream.isArn()) {
            call.streamARN(stream.value());
        } else {
            call.streamName(stream.value());
        }
        try {
            String url =
                    archivedMedia(endpoint)
                            .getHLSStreamingSessionURL(call.build())
                            .hlsStreamingSessionURL();
            URI session = requireHttps(URI.create(url), httpsOnly, "The HLS session URL", stream);
            return new HlsSessionUrl(session, requestedAt.plusSeconds(request.expiresSeconds()));
        } catch (SdkException | IllegalArgumentException e) {
            if (isEndpointProblem(e)) {
                // The cached endpoint may be stale: ask the control plane again next time.
                dataEndpoints.remove(stream);
            }
            throw translate(e, "GetHLSStreamingSessionURL", stream);
        }
    }

    private KinesisVideoArchivedMediaClient archivedMedia(URI endpoint) {
        return archivedMediaClients.computeIfAbsent(
                endpoint,
                uri ->
                        KinesisVideoArchivedMediaClient.builder()
                                .region(region)
                                .credentialsProvider(credentials)
                                .endpointOverride(uri)
                                .overrideConfiguration(overrides)
                                .build());
    }

    private static boolean isEndpointProblem(Exception e) {
        return e instanceof SdkClientException
                || (e instanceof SdkServiceException
                        && ((SdkServiceException) e).statusCode() >= 500);
    }

    /** Maps an SDK failure to a {@link KvsApiException} naming the call and the stream. */
    static KvsApiException translate(Exception e, String operation, StreamRef stream) {
        Kind reason = reasonOf(e);
        String detail =
                e instanceof SdkServiceException
                        ? ((SdkServiceException) e).getClass().getSimpleName()
                                + ": "
                                + serviceMessage((SdkServiceException) e)
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new KvsApiException(
                reason,
                operation
                        + " for stream "
                        + stream
                        + " failed ("
                        + reason
                        + "): "
                        + SessionTokenRedactor.redact(detail)
                        + hint(reason, operation));
    }

    private static String serviceMessage(SdkServiceException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException) {
            var details =
                    ((software.amazon.awssdk.awscore.exception.AwsServiceException) e)
                            .awsErrorDetails();
            if (details != null && details.errorMessage() != null) {
                return details.errorMessage();
            }
        }
        return "HTTP " + e.statusCode();
    }

    static Kind reasonOf(Exception e) {
        String type = e.getClass().getSimpleName();
        switch (type) {
            case "ResourceNotFoundException":
                String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
                return message.contains("no fragments") ? Kind.NO_FRAGMENTS : Kind.STREAM_NOT_FOUND;
            case "NotAuthorizedException":
                return Kind.ACCESS_DENIED;
            case "ClientLimitExceededException":
                return Kind.THROTTLED;
            case "InvalidArgumentException":
            case "InvalidEndpointException":
                return Kind.INVALID_ARGUMENT;
            case "UnsupportedStreamMediaTypeException":
            case "NoDataRetentionException":
            case "MissingCodecPrivateDataException":
            case "InvalidCodecPrivateDataException":
                return Kind.UNSUPPORTED_MEDIA;
            default:
                if (e instanceof SdkServiceException
                        && ((SdkServiceException) e).statusCode() == 403) {
                    return Kind.ACCESS_DENIED;
                }
                if (e instanceof SdkClientException
                        && String.valueOf(e.getMessage()).contains("credentials")) {
                    return Kind.ACCESS_DENIED;
                }
                return Kind.UNAVAILABLE;
        }
    }

    private static String hint(Kind reason, String operation) {
        switch (reason) {
            case STREAM_NOT_FOUND:
                return ". Check the stream name and the region.";
            case ACCESS_DENIED:
                return ". Check the credentials and that they allow kinesisvideo:"
                        + operation
                        + (operation.equals("DescribeStream")
                                ? " (an EARLIEST start asks it for the stream's retention)."
                                : "; a reader needs kinesisvideo:GetDataEndpoint and"
                                        + " kinesisvideo:GetHLSStreamingSessionURL.");
            case THROTTLED:
                return ". Too many calls: the source backs off and retries.";
            default:
                return "";
        }
    }

    @Override
    public void close() {
        archivedMediaClients.values().forEach(KinesisVideoArchivedMediaClient::close);
        controlPlane.close();
    }
}
