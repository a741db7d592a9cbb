package io.kvsinfer.connector.kvs.source.config;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.Map;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * Every option of the KVS source. The builder writes into these; a job can also set them in its
 * Flink configuration. Names in parentheses are the Python reader's parameters.
 */
@PublicEvolving
public final class KvsSourceOptions {

    private KvsSourceOptions() {}

    // ---- connection ------------------------------------------------------------------------

    public static final ConfigOption<String> REGION =
            key("source.kvs.region")
                    .stringType()
                    .defaultValue("us-east-1")
                    .withDescription("AWS region of the streams (region).");

    public static final ConfigOption<String> ENDPOINT =
            key("source.kvs.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint override for the Kinesis Video Streams control plane, for"
                                + " example a LocalKvs at http://127.0.0.1:4566. Plain HTTP is only"
                                + " allowed here; AWS itself is always reached over HTTPS.");

    public static final ConfigOption<CredentialsProviderType> CREDENTIALS_PROVIDER =
            key("source.kvs.credentials.provider")
                    .enumType(CredentialsProviderType.class)
                    .defaultValue(CredentialsProviderType.DEFAULT)
                    .withDescription("Where AWS credentials come from.");

    public static final ConfigOption<String> ACCESS_KEY_ID =
            key("source.kvs.credentials.access-key-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Access key id, with provider BASIC.");

    public static final ConfigOption<String> SECRET_ACCESS_KEY =
            key("source.kvs.credentials.secret-access-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Secret access key, with provider BASIC. Flink hides options whose key"
                                    + " contains 'secret' in logs and the web UI.");

    public static final ConfigOption<String> PROFILE_NAME =
            key("source.kvs.credentials.profile-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Named profile of the AWS config files, with provider PROFILE.");

    public static final ConfigOption<String> ROLE_ARN =
            key("source.kvs.credentials.role-arn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "IAM role to assume, with provider ASSUME_ROLE, for example"
                                    + " arn:aws:iam::123456789012:role/kvs-reader.");

    public static final ConfigOption<String> ROLE_SESSION_NAME =
            key("source.kvs.credentials.role-session-name")
                    .stringType()
                    .defaultValue("flink-kvs-source")
                    .withDescription(
                            "Session name of the assumed role (2 to 64 characters of"
                                + " [A-Za-z0-9_+=,.@-]); shows in the stream owner's CloudTrail.");

    public static final ConfigOption<String> ROLE_EXTERNAL_ID =
            key("source.kvs.credentials.role-external-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("External id the role's trust policy requires, if any.");

    public static final ConfigOption<Duration> ROLE_SESSION_DURATION =
            key("source.kvs.credentials.role-session-duration")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Lifetime of each set of assumed-role credentials, 15 min to 12 h (and"
                                + " at most the role's maximum session duration); they are renewed"
                                + " before they expire.");

    public static final ConfigOption<String> STS_ENDPOINT =
            key("source.kvs.sts-endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint override for STS with provider ASSUME_ROLE, for example a"
                                + " LocalKvs. Plain HTTP is only allowed here; AWS itself is always"
                                + " reached over HTTPS.");

    // ---- sessions and backoff (the Python reader's options) --------------------------------

    public static final ConfigOption<Duration> HLS_SESSION_DURATION =
            key("source.kvs.hls-session-duration")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(300))
                    .withDescription(
                            "Lifetime of each HLS streaming session, 300 s to 43200 s as AWS"
                                    + " enforces (hls_session_seconds; the Python reader allowed"
                                    + " 60 s, which AWS rejects).");

    public static final ConfigOption<Duration> URL_REFRESH_MARGIN =
            key("source.kvs.url-refresh-margin")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long before a session expires a new one is opened; the switch"
                                    + " is gapless (url_refresh_margin).");

    public static final ConfigOption<Duration> RECONNECT_DELAY =
            key("source.kvs.reconnect-delay")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "First delay before reconnecting after a failure (reconnect_delay).");

    public static final ConfigOption<Duration> MAX_RECONNECT_DELAY =
            key("source.kvs.max-reconnect-delay")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("Cap of the exponential backoff (max_reconnect_delay).");

    public static final ConfigOption<Double> BACKOFF_MULTIPLIER =
            key("source.kvs.backoff-multiplier")
                    .doubleType()
                    .defaultValue(2.0)
                    .withDescription(
                            "Factor by which the delay grows after each consecutive failure, 1.0"
                                    + " to 10.0; each delay gets up to 20% random jitter"
                                    + " (backoff_multiplier).");

    public static final ConfigOption<Integer> MAX_CONSECUTIVE_ERRORS =
            key("source.kvs.max-consecutive-errors")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Failures in a row after which the camera fails the job with a"
                                    + " FrameSourceException, 1 to 1000 (max_consecutive_errors).");

    // ---- what to read -----------------------------------------------------------------------

    public static final ConfigOption<StartingPosition.Kind> STARTING_POSITION =
            key("source.kvs.starting-position")
                    .enumType(StartingPosition.Kind.class)
                    .defaultValue(StartingPosition.Kind.LATEST)
                    .withDescription("Where cameras start without a checkpoint.");

    public static final ConfigOption<Long> STARTING_TIMESTAMP =
            key("source.kvs.starting-timestamp")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "Epoch milliseconds of the first frame, with starting position"
                                    + " TIMESTAMP.");

    public static final ConfigOption<Long> STOPPING_TIMESTAMP =
            key("source.kvs.stopping-timestamp")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "Epoch milliseconds after which no frame is read. Setting it makes"
                                    + " the source bounded (backfills, reprocessing).");

    public static final ConfigOption<ContainerFormat> CONTAINER_FORMAT =
            key("source.kvs.container-format")
                    .enumType(ContainerFormat.class)
                    .defaultValue(ContainerFormat.FRAGMENTED_MP4)
                    .withDescription("HLS fragment packaging.");

    public static final ConfigOption<FragmentSelectorType> FRAGMENT_SELECTOR =
            key("source.kvs.fragment-selector")
                    .enumType(FragmentSelectorType.class)
                    .defaultValue(FragmentSelectorType.PRODUCER_TIMESTAMP)
                    .withDescription("Which timestamps select fragments and become event time.");

    public static final ConfigOption<Integer> LIVE_PLAYLIST_FRAGMENTS =
            key("source.kvs.live-playlist-fragments")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "MaxMediaPlaylistFragmentResults of live sessions, 1 to 5000: how"
                                    + " many of the newest fragments each live playlist lists.");

    public static final ConfigOption<Duration> PLAYLIST_POLL_INTERVAL =
            key("source.kvs.playlist-poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "How often a live playlist is re-fetched while waiting for a new"
                                    + " fragment, at least 200 ms (AWS recommends 1 s).");

    public static final ConfigOption<Duration> LIVE_EDGE_POLL_INTERVAL =
            key("source.kvs.live-edge-poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(250))
                    .withDescription(
                            "How often a live playlist is re-fetched once the next fragment is due"
                                + " (one fragment duration after the last one appeared), until it"
                                + " appears. Keeps the source within this much of the live edge;"
                                + " KVS allows 5 media playlist requests per second per session.");

    public static final ConfigOption<Duration> IDLE_POLL_INTERVAL =
            key("source.kvs.idle-poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How often a camera with no recent fragments (producer silent) is"
                                    + " checked again. Such a camera is idle, not failing.");

    // ---- discovery of cameras -----------------------------------------------------------------

    public static final ConfigOption<String> DISCOVERY_STREAM_PREFIX =
            key("source.kvs.discovery.stream-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Reads every stream whose name begins with this prefix (ListStreams"
                                    + " with BEGINS_WITH), besides the cameras added by name.");

    public static final ConfigOption<Map<String, String>> DISCOVERY_TAGS =
            key("source.kvs.discovery.tags")
                    .mapType()
                    .noDefaultValue()
                    .withDescription(
                            "Tags a discovered stream must carry, all of them with these values,"
                                    + " for example 'site:lobby,role:door'.");

    public static final ConfigOption<String> DISCOVERY_CAMERA_ID_TAG =
            key("source.kvs.discovery.camera-id-tag")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Tag whose value is a discovered stream's camera id; without it (or"
                                    + " when a stream lacks the tag) the camera id is the stream"
                                    + " name.");

    public static final ConfigOption<Duration> DISCOVERY_INTERVAL =
            key("source.kvs.discovery.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "How often streams are discovered again: new streams become cameras,"
                                    + " deleted or no longer matching ones finish. 0 discovers once"
                                    + " at start, otherwise at least 1 s. A bounded source always"
                                    + " discovers once.");

    public static final ConfigOption<Integer> DISCOVERY_LIST_STREAMS_PER_SECOND =
            key("source.kvs.discovery.list-streams-per-second")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "ListStreams calls per second discovery makes at most, 1 to 1000."
                                    + " AWS allows 50 per second per account, shared by"
                                    + " everything in the account.");

    public static final ConfigOption<Integer> DISCOVERY_TAGS_PER_SECOND =
            key("source.kvs.discovery.tags-per-second")
                    .intType()
                    .defaultValue(25)
                    .withDescription(
                            "ListTagsForStream calls per second discovery makes at most, over all"
                                    + " streams, 1 to 1000 (one call per listed stream and round"
                                    + " when tags are used). AWS allows 50 per second per account,"
                                    + " shared by everything in the account, and 5 per second per"
                                    + " stream, which discovery always keeps to.");

    public static final ConfigOption<Integer> DISCOVERY_MAX_RETRIES =
            key("source.kvs.discovery.max-retries")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Retries, 0 to 20, of a discovery call throttled"
                                    + " (ClientLimitExceededException) or failed with a server"
                                    + " error, with exponential backoff and jitter; after them the"
                                    + " round keeps what it found and the next round tries again.");

    // ---- decoding and sampling --------------------------------------------------------------

    public static final ConfigOption<SamplingMode> SAMPLING_MODE =
            key("source.kvs.sampling.mode")
                    .enumType(SamplingMode.class)
                    .defaultValue(SamplingMode.ALL_FRAMES)
                    .withDescription("Which frames leave the source.");

    public static final ConfigOption<Double> SAMPLING_FPS =
            key("source.kvs.sampling.fps")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Frames per second of producer time to keep with sampling mode FPS,"
                                    + " above 0 and at most 1000.");

    public static final ConfigOption<Integer> OUTPUT_WIDTH =
            key("source.kvs.output.width")
                    .intType()
                    .defaultValue(0)
                    .withDescription("Width frames are scaled to; 0 keeps the stream's size.");

    public static final ConfigOption<Integer> OUTPUT_HEIGHT =
            key("source.kvs.output.height")
                    .intType()
                    .defaultValue(0)
                    .withDescription("Height frames are scaled to; 0 keeps the stream's size.");

    public static final ConfigOption<PixelFormat> OUTPUT_PIXEL_FORMAT =
            key("source.kvs.output.pixel-format")
                    .enumType(PixelFormat.class)
                    .defaultValue(PixelFormat.BGR24)
                    .withDescription(
                            "Pixel format of the frames: BGR24 (OpenCV's order), RGB24, or GRAY8 "
                                    + "(the stream's luma as coded, no colour conversion).");

    public static final ConfigOption<Integer> DECODER_THREADS =
            key("source.kvs.decoder.threads")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "FFmpeg decoding threads per camera, 0 (FFmpeg picks one per core, plus"
                                + " one) to 64. Unset (the default), each camera's decoder takes"
                                + " its share of the TaskManager's decode slots"
                                + " (source.kvs.decoder.concurrent-cameras) when it is set up, plus"
                                + " two threads while that share is more than one (4 for a lone"
                                + " camera on 2 cores), and one thread once there are as many"
                                + " cameras as slots.");

    public static final ConfigOption<Integer> DECODER_CONCURRENT_CAMERAS =
            key("source.kvs.decoder.concurrent-cameras")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "How many cameras of one TaskManager process decode at the same moment,"
                                + " 0 (one per available processor) to 4096; the others wait their"
                                + " turn. Each camera decodes a run of frames before handing over,"
                                + " so the caches hold one decoder's pictures instead of dozens'."
                                + " Sources with the same value share the limit.");

    // ---- bounds on what the network controls -----------------------------------------------

    public static final ConfigOption<MemorySize> MAX_FRAGMENT_SIZE =
            key("source.kvs.max-fragment-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("64mb"))
                    .withDescription("Largest fragment or init segment accepted, 1 kb to 2 gb.");

    public static final ConfigOption<MemorySize> MAX_PLAYLIST_SIZE =
            key("source.kvs.max-playlist-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("2mb"))
                    .withDescription("Largest playlist accepted, 1 kb to 64 mb.");

    public static final ConfigOption<Duration> MAX_DECODE_TIME =
            key("source.kvs.decoder.max-decode-time")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Longest FFmpeg may spend on one fragment before it is treated as"
                                    + " corrupt and skipped, 1 s to 10 min.");

    public static final ConfigOption<Long> MAX_FRAME_PIXELS =
            key("source.kvs.decoder.max-frame-pixels")
                    .longType()
                    .defaultValue(7680L * 4320L)
                    .withDescription(
                            "Largest picture (width x height) the decoder accepts, 4096 to"
                                    + " 134217728 (16K x 8K); larger pictures make the fragment"
                                    + " corrupt.");

    public static final ConfigOption<Duration> HTTP_TIMEOUT =
            key("source.kvs.http-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Deadline of each playlist or fragment download, from connecting to"
                                    + " its last byte, at least 1 s; twice it bounds each KVS, STS"
                                    + " and discovery API call.");
}
