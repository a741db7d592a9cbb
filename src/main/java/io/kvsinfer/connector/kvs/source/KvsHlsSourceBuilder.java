package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.hls.StreamRef;
import io.kvsinfer.connector.kvs.source.config.ContainerFormat;
import io.kvsinfer.connector.kvs.source.config.CredentialsProviderType;
import io.kvsinfer.connector.kvs.source.config.FragmentSelectorType;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.KvsSourcePreset;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;
import io.kvsinfer.connector.kvs.source.config.SamplingMode;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.reader.PooledVideoFrameMapper;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.Preconditions;
import org.apache.flink.util.function.SerializableSupplier;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import javax.annotation.Nullable;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fluent builder of {@link KvsHlsSource}. Every setter writes a {@link KvsSourceOptions} value, so
 * the same settings can come from a Flink {@link Configuration} instead. {@link #build()} checks
 * all of them and names the option, the value and what is allowed when one is wrong.
 *
 * @param <T> the record type
 */
@PublicEvolving
public final class KvsHlsSourceBuilder<T> {

    private static final int MAX_CAMERA_ID_LENGTH = 256;

    private final Map<String, String> cameras = new LinkedHashMap<>();
    private final Configuration config = new Configuration();
    private FrameMapper<T> mapper;
    private TypeInformation<T> producedType;
    private SerializableSupplier<AwsCredentialsProvider> credentials;

    private KvsHlsSourceBuilder(FrameMapper<T> mapper, TypeInformation<T> producedType) {
        this.mapper = mapper;
        this.producedType = producedType;
    }

    static KvsHlsSourceBuilder<VideoFrame> create() {
        return new KvsHlsSourceBuilder<>(
                new PooledVideoFrameMapper(), TypeInformation.of(VideoFrame.class));
    }

    /**
     * Adds a camera: {@code cameraId} names it in records and metrics, {@code stream} is its KVS
     * stream name or ARN.
     */
    public KvsHlsSourceBuilder<T> addCamera(String cameraId, String stream) {
        Preconditions.checkArgument(
                cameraId != null
                        && !cameraId.isBlank()
                        && cameraId.length() <= MAX_CAMERA_ID_LENGTH
                        && cameraId.chars().noneMatch(Character::isISOControl),
                "camera id must be 1 to %s printable characters, but was '%s'",
                MAX_CAMERA_ID_LENGTH,
                cameraId);
        try {
            StreamRef.parse(stream);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Stream of camera '" + cameraId + "': " + e.getMessage(), e);
        }
        Preconditions.checkArgument(
                !cameras.containsKey(cameraId),
                "camera id '%s' is used twice (streams '%s' and '%s'); camera ids must be unique",
                cameraId,
                cameras.get(cameraId),
                stream);
        cameras.put(cameraId, stream);
        return this;
    }

    /** Adds a camera whose id is its stream name. */
    public KvsHlsSourceBuilder<T> addStream(String streamName) {
        return addCamera(streamName, streamName);
    }

    public KvsHlsSourceBuilder<T> setRegion(String region) {
        // Checked with every other option at build(), so setOption(REGION, ...) is checked alike.
        config.set(
                KvsSourceOptions.REGION,
                Preconditions.checkNotNull(region, "region must not be null"));
        return this;
    }

    /** Points the source at a KVS-compatible endpoint, such as a LocalKvs. */
    public KvsHlsSourceBuilder<T> setEndpoint(URI endpoint) {
        Preconditions.checkNotNull(endpoint, "endpoint must not be null");
        set(KvsSourceOptions.ENDPOINT, endpoint.toString());
        return this;
    }

    /**
     * Uses this access key (with {@link #setAssumeRole}, to call STS); the secret is hidden from
     * Flink's logs and web UI.
     */
    public KvsHlsSourceBuilder<T> setStaticCredentials(String accessKeyId, String secretAccessKey) {
        setProviderUnlessAssumingRole(CredentialsProviderType.BASIC);
        set(KvsSourceOptions.ACCESS_KEY_ID, accessKeyId);
        set(KvsSourceOptions.SECRET_ACCESS_KEY, secretAccessKey);
        return this;
    }

    /** Uses a named profile of the AWS config files (with {@link #setAssumeRole}, to call STS). */
    public KvsHlsSourceBuilder<T> setProfile(String profileName) {
        setProviderUnlessAssumingRole(CredentialsProviderType.PROFILE);
        set(KvsSourceOptions.PROFILE_NAME, profileName);
        return this;
    }

    /**
     * Reads with the temporary credentials of an IAM role, typically in the account that owns the
     * streams; renewed before they expire. STS is called with the static keys or profile if set,
     * else the default chain.
     *
     * @param roleArn for example {@code arn:aws:iam::123456789012:role/kvs-reader}
     * @param sessionName shows in the stream owner's CloudTrail
     * @param externalId what the role's trust policy requires, or null
     */
    public KvsHlsSourceBuilder<T> setAssumeRole(
            String roleArn, String sessionName, @Nullable String externalId) {
        set(KvsSourceOptions.CREDENTIALS_PROVIDER, CredentialsProviderType.ASSUME_ROLE);
        config.set(
                KvsSourceOptions.ROLE_ARN,
                Preconditions.checkNotNull(roleArn, "roleArn must not be null"));
        config.set(
                KvsSourceOptions.ROLE_SESSION_NAME,
                Preconditions.checkNotNull(sessionName, "sessionName must not be null"));
        if (externalId != null) {
            set(KvsSourceOptions.ROLE_EXTERNAL_ID, externalId);
        }
        return this;
    }

    /** Points STS calls ({@link #setAssumeRole}) at another endpoint, such as a LocalKvs. */
    public KvsHlsSourceBuilder<T> setStsEndpoint(URI endpoint) {
        Preconditions.checkNotNull(endpoint, "endpoint must not be null");
        set(KvsSourceOptions.STS_ENDPOINT, endpoint.toString());
        return this;
    }

    private void setProviderUnlessAssumingRole(CredentialsProviderType type) {
        if (config.get(KvsSourceOptions.CREDENTIALS_PROVIDER)
                != CredentialsProviderType.ASSUME_ROLE) {
            set(KvsSourceOptions.CREDENTIALS_PROVIDER, type);
        }
    }

    /** Any credentials provider, created on each TaskManager by the given serializable supplier. */
    public KvsHlsSourceBuilder<T> setCredentialsProvider(
            SerializableSupplier<AwsCredentialsProvider> supplier) {
        this.credentials =
                Preconditions.checkNotNull(
                        supplier, "credentials provider supplier must not be null");
        return this;
    }

    /**
     * Also reads every stream whose name begins with {@code prefix}, following streams that are
     * created, deleted or re-created while the job runs (see {@link #setDiscoveryInterval}).
     */
    public KvsHlsSourceBuilder<T> discoverStreams(String prefix) {
        set(KvsSourceOptions.DISCOVERY_STREAM_PREFIX, prefix);
        return this;
    }

    /** Discovered streams must carry all these tags with these values. */
    public KvsHlsSourceBuilder<T> setRequiredTags(Map<String, String> tags) {
        set(KvsSourceOptions.DISCOVERY_TAGS, Map.copyOf(tags));
        return this;
    }

    /** A discovered stream's camera id is the value of this tag (the stream name without it). */
    public KvsHlsSourceBuilder<T> setCameraIdTag(String tagKey) {
        set(KvsSourceOptions.DISCOVERY_CAMERA_ID_TAG, tagKey);
        return this;
    }

    /** How often to discover streams again, at least 1 s; zero discovers once at start. */
    public KvsHlsSourceBuilder<T> setDiscoveryInterval(Duration interval) {
        set(KvsSourceOptions.DISCOVERY_INTERVAL, interval);
        return this;
    }

    /** Applies one of the Python reader's presets; later setters override its values. */
    public KvsHlsSourceBuilder<T> applyPreset(KvsSourcePreset preset) {
        Preconditions.checkNotNull(preset, "preset must not be null").applyTo(config);
        return this;
    }

    public KvsHlsSourceBuilder<T> setHlsSessionDuration(Duration duration) {
        set(KvsSourceOptions.HLS_SESSION_DURATION, duration);
        return this;
    }

    public KvsHlsSourceBuilder<T> setUrlRefreshMargin(Duration margin) {
        set(KvsSourceOptions.URL_REFRESH_MARGIN, margin);
        return this;
    }

    public KvsHlsSourceBuilder<T> setReconnectDelay(Duration delay) {
        set(KvsSourceOptions.RECONNECT_DELAY, delay);
        return this;
    }

    public KvsHlsSourceBuilder<T> setMaxReconnectDelay(Duration delay) {
        set(KvsSourceOptions.MAX_RECONNECT_DELAY, delay);
        return this;
    }

    public KvsHlsSourceBuilder<T> setBackoffMultiplier(double multiplier) {
        set(KvsSourceOptions.BACKOFF_MULTIPLIER, multiplier);
        return this;
    }

    public KvsHlsSourceBuilder<T> setMaxConsecutiveErrors(int maxErrors) {
        set(KvsSourceOptions.MAX_CONSECUTIVE_ERRORS, maxErrors);
        return this;
    }

    public KvsHlsSourceBuilder<T> setStartingPosition(StartingPosition position) {
        Preconditions.checkNotNull(position, "starting position must not be null");
        set(KvsSourceOptions.STARTING_POSITION, position.kind());
        if (position.kind() == StartingPosition.Kind.TIMESTAMP) {
            set(KvsSourceOptions.STARTING_TIMESTAMP, position.timestampMillis());
        } else {
            config.removeConfig(KvsSourceOptions.STARTING_TIMESTAMP);
        }
        return this;
    }

    /** Reads up to this producer time and then finishes: the source becomes bounded. */
    public KvsHlsSourceBuilder<T> setStoppingTimestamp(Instant stop) {
        Preconditions.checkNotNull(stop, "stopping timestamp must not be null");
        set(KvsSourceOptions.STOPPING_TIMESTAMP, stop.toEpochMilli());
        return this;
    }

    public KvsHlsSourceBuilder<T> setContainerFormat(ContainerFormat format) {
        set(KvsSourceOptions.CONTAINER_FORMAT, format);
        return this;
    }

    public KvsHlsSourceBuilder<T> setFragmentSelector(FragmentSelectorType selector) {
        set(KvsSourceOptions.FRAGMENT_SELECTOR, selector);
        return this;
    }

    /** Emits every frame (the default). */
    public KvsHlsSourceBuilder<T> sampleAllFrames() {
        set(KvsSourceOptions.SAMPLING_MODE, SamplingMode.ALL_FRAMES);
        config.removeConfig(KvsSourceOptions.SAMPLING_FPS);
        return this;
    }

    /** Emits at most {@code fps} frames per second of producer time. */
    public KvsHlsSourceBuilder<T> sampleFps(double fps) {
        set(KvsSourceOptions.SAMPLING_MODE, SamplingMode.FPS);
        set(KvsSourceOptions.SAMPLING_FPS, fps);
        return this;
    }

    /** Emits key frames only; the decoder skips all other frames. */
    public KvsHlsSourceBuilder<T> sampleKeyFramesOnly() {
        set(KvsSourceOptions.SAMPLING_MODE, SamplingMode.KEY_FRAMES);
        config.removeConfig(KvsSourceOptions.SAMPLING_FPS);
        return this;
    }

    /** Scales frames to this size in the same step as the colour conversion. */
    public KvsHlsSourceBuilder<T> setOutputSize(int width, int height) {
        set(KvsSourceOptions.OUTPUT_WIDTH, width);
        set(KvsSourceOptions.OUTPUT_HEIGHT, height);
        return this;
    }

    /** The pixel format of the frames (default BGR24); see {@link PixelFormat} for each. */
    public KvsHlsSourceBuilder<T> setOutputPixelFormat(PixelFormat format) {
        Preconditions.checkNotNull(format, "pixel format must not be null");
        set(KvsSourceOptions.OUTPUT_PIXEL_FORMAT, format);
        return this;
    }

    public KvsHlsSourceBuilder<T> setDecoderThreads(int threads) {
        set(KvsSourceOptions.DECODER_THREADS, threads);
        return this;
    }

    /**
     * How many cameras of a TaskManager decode at the same moment; 0 (the default) is one per core.
     */
    public KvsHlsSourceBuilder<T> setDecoderConcurrentCameras(int cameras) {
        set(KvsSourceOptions.DECODER_CONCURRENT_CAMERAS, cameras);
        return this;
    }

    public KvsHlsSourceBuilder<T> setMaxFragmentSize(MemorySize size) {
        set(KvsSourceOptions.MAX_FRAGMENT_SIZE, size);
        return this;
    }

    /** Sets any option; also how options without a dedicated setter are reached. */
    public <V> KvsHlsSourceBuilder<T> setOption(
            org.apache.flink.configuration.ConfigOption<V> option, V value) {
        Preconditions.checkNotNull(option, "option must not be null");
        set(option, value);
        return this;
    }

    /** Sets an option; a null value is refused naming the option, not by Flink's bare message. */
    private <V> void set(org.apache.flink.configuration.ConfigOption<V> option, V value) {
        config.set(
                option,
                Preconditions.checkNotNull(value, "Option '%s' must not be null", option.key()));
    }

    /** Takes every option present in {@code configuration}, replacing values set so far. */
    public KvsHlsSourceBuilder<T> setConfiguration(Configuration configuration) {
        config.addAll(configuration);
        return this;
    }

    /** Emits what {@code frameMapper} makes of each frame instead of {@link VideoFrame}s. */
    public <R> KvsHlsSourceBuilder<R> setFrameMapper(
            FrameMapper<R> frameMapper, TypeInformation<R> type) {
        Preconditions.checkNotNull(frameMapper, "frame mapper must not be null");
        Preconditions.checkNotNull(
                type, "type information of the mapper's records must not be null");
        @SuppressWarnings("unchecked")
        KvsHlsSourceBuilder<R> self = (KvsHlsSourceBuilder<R>) this;
        self.mapper = frameMapper;
        self.producedType = type;
        return self;
    }

    public <R> KvsHlsSourceBuilder<R> setFrameMapper(FrameMapper<R> frameMapper, Class<R> type) {
        return setFrameMapper(frameMapper, TypeInformation.of(type));
    }

    public KvsHlsSource<T> build() {
        if (credentials != null) {
            // The supplier replaces every credentials option: one set too would be ignored.
            for (String key : config.keySet()) {
                boolean defaultProvider =
                        key.equals(KvsSourceOptions.CREDENTIALS_PROVIDER.key())
                                && config.get(KvsSourceOptions.CREDENTIALS_PROVIDER)
                                        == CredentialsProviderType.DEFAULT;
                Preconditions.checkArgument(
                        !key.startsWith("source.kvs.credentials.") || defaultProvider,
                        "Option '%s' is set, but setCredentialsProvider replaces the credentials"
                                + " options; remove one of them",
                        key);
            }
        }
        KvsSourceConfig validated = new KvsSourceConfig(config);
        Preconditions.checkState(
                !cameras.isEmpty() || validated.discoveryPrefix().isPresent(),
                "no camera was added; call addCamera(cameraId, stream) at least once, or"
                        + " discoverStreams(prefix)");
        long stop = validated.stoppingTimestamp().orElse(KvsStreamSplit.NO_STOPPING_TIMESTAMP);
        StartingPosition start = validated.startingPosition();
        List<KvsStreamSplit> splits = new ArrayList<>(cameras.size());
        cameras.forEach(
                (id, stream) -> splits.add(new KvsStreamSplit(id, stream, start, stop, null)));
        return new KvsHlsSource<>(splits, validated, mapper, producedType, credentials);
    }
}
