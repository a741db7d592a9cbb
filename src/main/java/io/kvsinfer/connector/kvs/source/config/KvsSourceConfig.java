package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import software.amazon.awssdk.regions.Region;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

import static io.kvsinfer.connector.kvs.source.config.KvsSourceOptions.*;

/**
 * The validated, typed view of a source's {@link Configuration}. Constructing it checks every
 * option, so an invalid value fails at {@code build()} with a message that names the option, the
 * value given and what is allowed.
 */
@Internal
public final class KvsSourceConfig implements Serializable {

    private static final Pattern ROLE_ARN_PATTERN =
            Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern SESSION_NAME_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern EXTERNAL_ID_PATTERN = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final long serialVersionUID = 1L;

    public static final int MIN_SESSION_SECONDS = 300;
    public static final int MAX_SESSION_SECONDS = 43_200;

    private final Configuration config;

    public KvsSourceConfig(Configuration config) {
        this.config = new Configuration(config);
        validate();
    }

    private void validate() {
        UnknownOptions.refuse(config);
        if (!isWellFormedRegion(region())) {
            throw invalid(
                    REGION,
                    "'" + region() + "'",
                    "an AWS region name such as us-east-1 or eu-central-1");
        }
        if (discoveryInterval().isNegative()
                || (!discoveryInterval().isZero()
                        && discoveryInterval().compareTo(Duration.ofSeconds(1)) < 0)) {
            throw invalid(
                    DISCOVERY_INTERVAL, discoveryInterval(), "0 (discover once) or at least 1 s");
        }
        checkEnum(CREDENTIALS_PROVIDER, CredentialsProviderType.values());
        checkEnum(STARTING_POSITION, StartingPosition.Kind.values());
        checkEnum(CONTAINER_FORMAT, ContainerFormat.values());
        checkEnum(FRAGMENT_SELECTOR, FragmentSelectorType.values());
        checkEnum(SAMPLING_MODE, SamplingMode.values());
        checkEnum(OUTPUT_PIXEL_FORMAT, PixelFormat.values());
        checkRange(
                HLS_SESSION_DURATION,
                sessionDuration().getSeconds(),
                MIN_SESSION_SECONDS,
                MAX_SESSION_SECONDS,
                "seconds");
        checkPositive(URL_REFRESH_MARGIN, urlRefreshMargin());
        if (urlRefreshMargin().compareTo(sessionDuration().dividedBy(2)) > 0) {
            throw invalid(
                    URL_REFRESH_MARGIN,
                    urlRefreshMargin(),
                    "at most half of "
                            + HLS_SESSION_DURATION.key()
                            + " ("
                            + sessionDuration()
                            + ")");
        }
        checkPositive(RECONNECT_DELAY, reconnectDelay());
        if (maxReconnectDelay().compareTo(reconnectDelay()) < 0) {
            throw invalid(
                    MAX_RECONNECT_DELAY,
                    maxReconnectDelay(),
                    "at least " + RECONNECT_DELAY.key() + " (" + reconnectDelay() + ")");
        }
        double multiplier = backoffMultiplier();
        if (!(multiplier >= 1.0 && multiplier <= 10.0)) {
            throw invalid(BACKOFF_MULTIPLIER, multiplier, "1.0 to 10.0");
        }
        checkRange(MAX_CONSECUTIVE_ERRORS, maxConsecutiveErrors(), 1, 1000, "");
        checkRange(LIVE_PLAYLIST_FRAGMENTS, livePlaylistFragments(), 1, 5000, "");
        if (playlistPollInterval().compareTo(Duration.ofMillis(200)) < 0) {
            throw invalid(
                    PLAYLIST_POLL_INTERVAL,
                    playlistPollInterval(),
                    "at least 200 ms (KVS allows 5 playlist requests per second)");
        }
        if (liveEdgePollInterval().compareTo(Duration.ofMillis(200)) < 0
                || liveEdgePollInterval().compareTo(playlistPollInterval()) > 0) {
            throw invalid(
                    LIVE_EDGE_POLL_INTERVAL,
                    liveEdgePollInterval(),
                    "200 ms (KVS allows 5 playlist requests per second) to "
                            + PLAYLIST_POLL_INTERVAL.key()
                            + " ("
                            + playlistPollInterval()
                            + ")");
        }
        checkPositive(IDLE_POLL_INTERVAL, idlePollInterval());
        if (httpTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
            throw invalid(HTTP_TIMEOUT, httpTimeout(), "at least 1 s");
        }
        if (decoderThreads().isPresent()) {
            checkRange(DECODER_THREADS, decoderThreads().getAsInt(), 0, 64, "");
        }
        checkRange(DECODER_CONCURRENT_CAMERAS, decoderConcurrentCameras(), 0, 4096, "");
        if (maxDecodeTime().compareTo(Duration.ofSeconds(1)) < 0
                || maxDecodeTime().compareTo(Duration.ofMinutes(10)) > 0) {
            throw invalid(MAX_DECODE_TIME, maxDecodeTime(), "1 s to 10 min");
        }
        checkRange(MAX_FRAME_PIXELS, maxFramePixels(), 4096, 16_384L * 8192L, "pixels");
        checkRange(OUTPUT_WIDTH, outputWidth(), 0, 16_384, "pixels");
        checkRange(OUTPUT_HEIGHT, outputHeight(), 0, 16_384, "pixels");
        if ((outputWidth() == 0) != (outputHeight() == 0)) {
            throw invalid(
                    OUTPUT_WIDTH,
                    outputWidth() + "x" + outputHeight(),
                    "both width and height above 0, or both 0 to keep the stream's size");
        }
        checkRange(MAX_FRAGMENT_SIZE, maxFragmentBytes(), 1024, 2L << 30, "bytes");
        checkRange(MAX_PLAYLIST_SIZE, maxPlaylistBytes(), 1024, 64L << 20, "bytes");
        validateSampling();
        validatePositions();
        validateCredentials();
        validateDiscovery();
        endpoint();
    }

    private void validateSampling() {
        Optional<Double> fps = config.getOptional(SAMPLING_FPS);
        if (samplingMode() == SamplingMode.FPS) {
            if (fps.isEmpty()) {
                throw new IllegalArgumentException(
                        "Option '"
                                + SAMPLING_FPS.key()
                                + "' is required with "
                                + SAMPLING_MODE.key()
                                + "=FPS; allowed: above 0 and at most 1000");
            }
            double value = fps.get();
            if (!(value > 0 && value <= 1000)) {
                throw invalid(SAMPLING_FPS, value, "above 0 and at most 1000");
            }
        } else if (fps.isPresent()) {
            throw appliesOnlyWith(SAMPLING_FPS, fps.get(), SAMPLING_MODE, SamplingMode.FPS);
        }
    }

    private void validatePositions() {
        Optional<Long> start = config.getOptional(STARTING_TIMESTAMP);
        if (config.get(STARTING_POSITION) == StartingPosition.Kind.TIMESTAMP && start.isEmpty()) {
            throw new IllegalArgumentException(
                    "Option '"
                            + STARTING_TIMESTAMP.key()
                            + "' is required with "
                            + STARTING_POSITION.key()
                            + "=TIMESTAMP");
        }
        if (start.isPresent() && config.get(STARTING_POSITION) != StartingPosition.Kind.TIMESTAMP) {
            throw appliesOnlyWith(
                    STARTING_TIMESTAMP,
                    start.get(),
                    STARTING_POSITION,
                    StartingPosition.Kind.TIMESTAMP);
        }
        start.ifPresent(
                value -> checkRange(STARTING_TIMESTAMP, value, 0, Long.MAX_VALUE, "epoch ms"));
        Optional<Long> stop = config.getOptional(STOPPING_TIMESTAMP);
        stop.ifPresent(
                value -> checkRange(STOPPING_TIMESTAMP, value, 0, Long.MAX_VALUE, "epoch ms"));
        if (stop.isPresent()) {
            StartingPosition startAt = startingPosition();
            if (startAt.kind() == StartingPosition.Kind.LATEST) {
                throw new IllegalArgumentException(
                        "Option '"
                                + STOPPING_TIMESTAMP.key()
                                + "' ("
                                + stop.get()
                                + ") needs a starting position of EARLIEST or TIMESTAMP, but '"
                                + STARTING_POSITION.key()
                                + "' is LATEST");
            }
            if (startAt.kind() == StartingPosition.Kind.TIMESTAMP
                    && stop.get() < startAt.timestampMillis()) {
                throw invalid(
                        STOPPING_TIMESTAMP,
                        stop.get(),
                        "at or after "
                                + STARTING_TIMESTAMP.key()
                                + " ("
                                + startAt.timestampMillis()
                                + ")");
            }
        }
    }

    /** {@code option} is set while {@code mode} is not {@code needed}, which it depends on. */
    private <M> IllegalArgumentException appliesOnlyWith(
            ConfigOption<?> option, Object value, ConfigOption<M> mode, M needed) {
        return new IllegalArgumentException(
                "Option '"
                        + option.key()
                        + "' ("
                        + value
                        + ") applies only with "
                        + mode.key()
                        + "="
                        + needed
                        + ", but it is "
                        + config.get(mode));
    }

    /** Absent or blank: a secret's value is never echoed, only whether it is there. */
    private boolean isBlank(ConfigOption<String> option) {
        return config.getOptional(option).map(String::isBlank).orElse(true);
    }

    private void validateCredentials() {
        CredentialsProviderType type = credentialsProviderType();
        if (type == CredentialsProviderType.BASIC
                && (isBlank(ACCESS_KEY_ID) || isBlank(SECRET_ACCESS_KEY))) {
            throw new IllegalArgumentException(
                    "Options '"
                            + ACCESS_KEY_ID.key()
                            + "' and '"
                            + SECRET_ACCESS_KEY.key()
                            + "' are required, not blank, with "
                            + CREDENTIALS_PROVIDER.key()
                            + "=BASIC");
        }
        if (type == CredentialsProviderType.PROFILE && isBlank(PROFILE_NAME)) {
            throw new IllegalArgumentException(
                    "Option '"
                            + PROFILE_NAME.key()
                            + "' is required, not blank, with "
                            + CREDENTIALS_PROVIDER.key()
                            + "=PROFILE");
        }
        stsEndpoint();
        refuseUnlessProvider(
                EnumSet.of(CredentialsProviderType.BASIC, CredentialsProviderType.ASSUME_ROLE),
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY);
        refuseUnlessProvider(
                EnumSet.of(CredentialsProviderType.PROFILE, CredentialsProviderType.ASSUME_ROLE),
                PROFILE_NAME);
        refuseUnlessProvider(
                EnumSet.of(CredentialsProviderType.ASSUME_ROLE),
                ROLE_ARN,
                ROLE_SESSION_NAME,
                ROLE_SESSION_DURATION,
                ROLE_EXTERNAL_ID,
                STS_ENDPOINT);
        if (type == CredentialsProviderType.ASSUME_ROLE) {
            validateAssumeRole();
        }
    }

    /**
     * Credentials options that the chosen provider would not use are refused rather than ignored:
     * an access key set without {@code BASIC} would otherwise read with the default chain. Their
     * values are never echoed.
     */
    private void refuseUnlessProvider(
            Set<CredentialsProviderType> users, ConfigOption<?>... options) {
        CredentialsProviderType type = credentialsProviderType();
        if (users.contains(type)) {
            return;
        }
        for (ConfigOption<?> option : options) {
            if (config.contains(option)) {
                throw new IllegalArgumentException(
                        "Option '"
                                + option.key()
                                + "' is set but applies only with "
                                + CREDENTIALS_PROVIDER.key()
                                + " "
                                + String.join(
                                        " or ",
                                        users.stream().map(Enum::name).toArray(String[]::new))
                                + ", and it is "
                                + type
                                + "; set the provider or remove the option");
            }
        }
    }

    private void validateAssumeRole() {
        if (config.contains(ACCESS_KEY_ID) != config.contains(SECRET_ACCESS_KEY)) {
            throw new IllegalArgumentException(
                    "Options '"
                            + ACCESS_KEY_ID.key()
                            + "' and '"
                            + SECRET_ACCESS_KEY.key()
                            + "' go together with "
                            + CREDENTIALS_PROVIDER.key()
                            + "=ASSUME_ROLE: only one is set, and STS would be called with the"
                            + " default chain");
        }
        if (config.contains(PROFILE_NAME)
                && (config.contains(ACCESS_KEY_ID) || config.contains(SECRET_ACCESS_KEY))) {
            throw new IllegalArgumentException(
                    "Options '"
                            + PROFILE_NAME.key()
                            + "' and '"
                            + ACCESS_KEY_ID.key()
                            + "' are both set with "
                            + CREDENTIALS_PROVIDER.key()
                            + "=ASSUME_ROLE; STS is called with one of them: remove the other");
        }
        String roleArn =
                config.getOptional(ROLE_ARN)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "Option '"
                                                        + ROLE_ARN.key()
                                                        + "' is required with "
                                                        + CREDENTIALS_PROVIDER.key()
                                                        + "=ASSUME_ROLE"));
        if (!ROLE_ARN_PATTERN.matcher(roleArn).matches()) {
            throw invalid(
                    ROLE_ARN,
                    roleArn,
                    "an IAM role ARN such as arn:aws:iam::123456789012:role/kvs-reader");
        }
        if (!SESSION_NAME_PATTERN.matcher(roleSessionName()).matches()) {
            throw invalid(
                    ROLE_SESSION_NAME,
                    roleSessionName(),
                    "2 to 64 characters of [A-Za-z0-9_+=,.@-]");
        }
        Duration duration = roleSessionDuration();
        if (duration.compareTo(Duration.ofMinutes(15)) < 0
                || duration.compareTo(Duration.ofHours(12)) > 0) {
            throw invalid(ROLE_SESSION_DURATION, duration, "15 min to 12 h");
        }
        roleExternalId()
                .ifPresent(
                        id -> {
                            if (!EXTERNAL_ID_PATTERN.matcher(id).matches()) {
                                // Not echoed: an external id is a shared secret of sorts.
                                throw new IllegalArgumentException(
                                        "Invalid value for option '"
                                                + ROLE_EXTERNAL_ID.key()
                                                + "' ("
                                                + id.length()
                                                + " characters); allowed: 2 to 1224 characters of"
                                                + " [A-Za-z0-9_+=,.@:/-]");
                            }
                        });
    }

    private void validateDiscovery() {
        checkRange(
                DISCOVERY_LIST_STREAMS_PER_SECOND,
                discoveryListStreamsPerSecond(),
                1,
                1000,
                "calls per second");
        checkRange(
                DISCOVERY_TAGS_PER_SECOND, discoveryTagsPerSecond(), 1, 1000, "calls per second");
        checkRange(DISCOVERY_MAX_RETRIES, discoveryMaxRetries(), 0, 20, "");
        Optional<String> prefix = config.getOptional(DISCOVERY_STREAM_PREFIX);
        if (prefix.isPresent() && !prefix.get().matches("[a-zA-Z0-9_.\\-]{1,256}")) {
            throw invalid(
                    DISCOVERY_STREAM_PREFIX,
                    prefix.get(),
                    "1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'");
        }
        discoveryTags()
                .forEach(
                        (tag, value) -> {
                            if (tag.isBlank() || value.isBlank()) {
                                throw invalid(
                                        DISCOVERY_TAGS,
                                        "'" + tag + "':'" + value + "'",
                                        "tags with a non-blank key and value, such as site:lobby");
                            }
                        });
        if (prefix.isEmpty()
                && (config.getOptional(DISCOVERY_TAGS).isPresent()
                        || config.getOptional(DISCOVERY_CAMERA_ID_TAG).isPresent())) {
            throw new IllegalArgumentException(
                    "Options '"
                            + DISCOVERY_TAGS.key()
                            + "' and '"
                            + DISCOVERY_CAMERA_ID_TAG.key()
                            + "' need '"
                            + DISCOVERY_STREAM_PREFIX.key()
                            + "'");
        }
    }

    private static void checkPositive(ConfigOption<Duration> option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw invalid(option, value, "a duration above 0");
        }
    }

    private static void checkRange(
            ConfigOption<?> option, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            String range = max == Long.MAX_VALUE ? "at least " + min : min + " to " + max;
            throw invalid(option, value, range + (unit.isEmpty() ? "" : " " + unit));
        }
    }

    /** Flink's own message for a misspelt enum value names neither the value nor the choices. */
    private <E extends Enum<E>> void checkEnum(ConfigOption<E> option, E[] choices) {
        try {
            config.get(option);
        } catch (IllegalArgumentException e) {
            throw invalid(
                    option, config.toMap().get(option.key()), "one of " + Arrays.toString(choices));
        }
    }

    /**
     * A region the SDK knows, or one shaped like AWS's names (partition letters, words, a number),
     * so that a region newer than this SDK still works but "US East" or a URL does not.
     */
    private static boolean isWellFormedRegion(String region) {
        return region != null
                && (Region.regions().contains(Region.of(region))
                        || region.matches("[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}"));
    }

    private static IllegalArgumentException invalid(
            ConfigOption<?> option, Object value, String allowed) {
        return new IllegalArgumentException(
                "Invalid value for option '"
                        + option.key()
                        + "': "
                        + value
                        + "; allowed: "
                        + allowed);
    }

    // ---- typed access -----------------------------------------------------------------------

    public Configuration toConfiguration() {
        return new Configuration(config);
    }

    public String region() {
        return config.get(REGION);
    }

    /** The control-plane endpoint override, if any; validated as an absolute http(s) URI. */
    public Optional<URI> endpoint() {
        return uriOption(ENDPOINT);
    }

    /** The STS endpoint override, if any; validated as an absolute http(s) URI. */
    public Optional<URI> stsEndpoint() {
        return uriOption(STS_ENDPOINT);
    }

    private Optional<URI> uriOption(ConfigOption<String> option) {
        Optional<String> raw = config.getOptional(option);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.get());
            if (uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw invalid(option, raw.get(), "an absolute http:// or https:// URI with a host");
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            throw invalid(option, raw.get(), "an absolute http:// or https:// URI with a host");
        }
    }

    public CredentialsProviderType credentialsProviderType() {
        return config.get(CREDENTIALS_PROVIDER);
    }

    String accessKeyId() {
        return config.get(ACCESS_KEY_ID);
    }

    String secretAccessKey() {
        return config.get(SECRET_ACCESS_KEY);
    }

    String profileName() {
        return config.get(PROFILE_NAME);
    }

    boolean hasStaticKeys() {
        return config.getOptional(ACCESS_KEY_ID).isPresent()
                && config.getOptional(SECRET_ACCESS_KEY).isPresent();
    }

    boolean hasProfile() {
        return config.getOptional(PROFILE_NAME).isPresent();
    }

    String roleArn() {
        return config.get(ROLE_ARN);
    }

    String roleSessionName() {
        return config.get(ROLE_SESSION_NAME);
    }

    Optional<String> roleExternalId() {
        return config.getOptional(ROLE_EXTERNAL_ID);
    }

    Duration roleSessionDuration() {
        return config.get(ROLE_SESSION_DURATION);
    }

    public Duration sessionDuration() {
        return config.get(HLS_SESSION_DURATION);
    }

    public Duration urlRefreshMargin() {
        return config.get(URL_REFRESH_MARGIN);
    }

    public Duration reconnectDelay() {
        return config.get(RECONNECT_DELAY);
    }

    public Duration maxReconnectDelay() {
        return config.get(MAX_RECONNECT_DELAY);
    }

    public double backoffMultiplier() {
        return config.get(BACKOFF_MULTIPLIER);
    }

    public int maxConsecutiveErrors() {
        return config.get(MAX_CONSECUTIVE_ERRORS);
    }

    public StartingPosition startingPosition() {
        switch (config.get(STARTING_POSITION)) {
            case EARLIEST:
                return StartingPosition.earliest();
            case TIMESTAMP:
                return StartingPosition.fromTimestamp(config.get(STARTING_TIMESTAMP));
            default:
                return StartingPosition.latest();
        }
    }

    /** Epoch milliseconds of the last frame to read, or empty for an unbounded source. */
    public Optional<Long> stoppingTimestamp() {
        return config.getOptional(STOPPING_TIMESTAMP);
    }

    public ContainerFormat containerFormat() {
        return config.get(CONTAINER_FORMAT);
    }

    public FragmentSelectorType fragmentSelector() {
        return config.get(FRAGMENT_SELECTOR);
    }

    public int livePlaylistFragments() {
        return config.get(LIVE_PLAYLIST_FRAGMENTS);
    }

    public Duration playlistPollInterval() {
        return config.get(PLAYLIST_POLL_INTERVAL);
    }

    public Duration liveEdgePollInterval() {
        return config.get(LIVE_EDGE_POLL_INTERVAL);
    }

    public Duration idlePollInterval() {
        return config.get(IDLE_POLL_INTERVAL);
    }

    public SamplingMode samplingMode() {
        return config.get(SAMPLING_MODE);
    }

    /** Frames per second kept with {@link SamplingMode#FPS}; 0 otherwise. */
    public double samplingFps() {
        return samplingMode() == SamplingMode.FPS ? config.get(SAMPLING_FPS) : 0;
    }

    public PixelFormat outputPixelFormat() {
        return config.get(OUTPUT_PIXEL_FORMAT);
    }

    public int outputWidth() {
        return config.get(OUTPUT_WIDTH);
    }

    public int outputHeight() {
        return config.get(OUTPUT_HEIGHT);
    }

    /** FFmpeg threads per camera as set; empty means the reader adapts them to its cameras. */
    public OptionalInt decoderThreads() {
        return config.getOptional(DECODER_THREADS).map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /** Cameras of this process that decode at once; 0 means one per available processor. */
    public int decoderConcurrentCameras() {
        return config.get(DECODER_CONCURRENT_CAMERAS);
    }

    public Duration maxDecodeTime() {
        return config.get(MAX_DECODE_TIME);
    }

    public long maxFramePixels() {
        return config.get(MAX_FRAME_PIXELS);
    }

    public long maxFragmentBytes() {
        return config.get(MAX_FRAGMENT_SIZE).getBytes();
    }

    public long maxPlaylistBytes() {
        return config.get(MAX_PLAYLIST_SIZE).getBytes();
    }

    /** The stream-name prefix of discovered cameras, if discovery is on. */
    public Optional<String> discoveryPrefix() {
        return config.getOptional(DISCOVERY_STREAM_PREFIX);
    }

    public java.util.Map<String, String> discoveryTags() {
        return config.getOptional(DISCOVERY_TAGS).orElse(java.util.Map.of());
    }

    public Optional<String> discoveryCameraIdTag() {
        return config.getOptional(DISCOVERY_CAMERA_ID_TAG);
    }

    /** Interval of periodic discovery; zero or negative means once at start. */
    public Duration discoveryInterval() {
        return config.get(DISCOVERY_INTERVAL);
    }

    /** ListStreams calls per second discovery makes at most. */
    public int discoveryListStreamsPerSecond() {
        return config.get(DISCOVERY_LIST_STREAMS_PER_SECOND);
    }

    /** ListTagsForStream calls per second, over all streams, discovery makes at most. */
    public int discoveryTagsPerSecond() {
        return config.get(DISCOVERY_TAGS_PER_SECOND);
    }

    /** Retries of a throttled or 5xx discovery call. */
    public int discoveryMaxRetries() {
        return config.get(DISCOVERY_MAX_RETRIES);
    }

    public Duration httpTimeout() {
        return config.get(HTTP_TIMEOUT);
    }
}
