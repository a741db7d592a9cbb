package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.api.ArchivedMediaApi;
import io.kvsinfer.connector.kvs.localkvs.api.ControlPlaneApi;
import io.kvsinfer.connector.kvs.localkvs.api.StreamLookup;
import io.kvsinfer.connector.kvs.localkvs.api.StsApi;
import io.kvsinfer.connector.kvs.localkvs.fault.FaultPlan;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsApi;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsSessions;
import io.kvsinfer.connector.kvs.localkvs.hls.MediaStats;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.http.KvsHandler;
import io.kvsinfer.connector.kvs.localkvs.http.KvsHttpServer;
import io.kvsinfer.connector.kvs.localkvs.http.RateLimits;
import io.kvsinfer.connector.kvs.localkvs.iam.AssumableRoles;
import io.kvsinfer.connector.kvs.localkvs.store.StoreSettings;
import io.kvsinfer.connector.kvs.localkvs.store.StreamRegistry;
import io.kvsinfer.connector.kvs.localkvs.store.StreamSpec;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A local Amazon Kinesis Video Streams on loopback that speaks the KVS wire protocol: the control
 * plane, ListFragments, HLS streaming sessions and HLS media, so that the unmodified AWS SDK for
 * Java v2 and HLS players work against {@link #endpoint()}. One server is both the control plane
 * and the data endpoint.
 *
 * <pre>{@code
 * try (LocalKvs kvs = LocalKvs.builder().build().start()) {
 *     kvs.createStream("cam-1").startLive(media);
 *     KinesisVideoClient client = KinesisVideoClient.builder().endpointOverride(kvs.endpoint())...;
 * }
 * }</pre>
 */
@PublicEvolving
public final class LocalKvs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKvs.class);
    private static final long TICK_MILLIS = 250;
    private static final long PURGE_EVERY_TICKS = 240;

    private final String host;
    private final int port;
    private final StreamRegistry registry;
    private final HlsSessions sessions;
    private final RateLimits limits;
    private final FaultPlan faultPlan = new FaultPlan();
    private final FaultInjector faults;
    private final AssumableRoles roles;
    private final Map<KvsOperation, KvsHandler> handlers = new EnumMap<>(KvsOperation.class);
    private final Object lifecycle = new Object();

    private KvsHttpServer server;
    private ScheduledExecutorService ticker;
    private volatile URI endpoint;
    private long ticks;

    private LocalKvs(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.registry =
                new StreamRegistry(
                        new StoreSettings(
                                builder.clock,
                                builder.retention.toMillis(),
                                builder.maxFragmentsPerStream,
                                builder.ingestionDelay.toMillis(),
                                builder.region,
                                builder.accountId));
        this.sessions = new HlsSessions(builder.clock);
        this.limits = new RateLimits(builder.clock, builder.enforceQuotas);
        this.faults = new FaultInjector(faultPlan, sessions);
        MediaStats stats = new MediaStats();
        new ControlPlaneApi(registry, limits, this::dataEndpoint).register(handlers);
        new ArchivedMediaApi(registry, sessions, limits, stats, this::dataEndpoint, builder.clock)
                .register(handlers);
        new HlsApi(sessions, limits, builder.clock, stats).register(handlers);
        this.roles = new AssumableRoles(builder.clock);
        new StsApi(roles).register(handlers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the server and starts serving; returns this for chaining. */
    public LocalKvs start() {
        synchronized (lifecycle) {
            Preconditions.checkState(server == null, "LocalKvs is already started.");
            try {
                server = new KvsHttpServer(host, port, handlers, faultPlan, roles::authorize);
            } catch (IOException e) {
                throw new UncheckedIOException("LocalKvs could not bind " + host + ":" + port, e);
            }
            server.start();
            String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
            if (shownHost.contains(":")) {
                shownHost = "[" + shownHost + "]";
            }
            endpoint = URI.create("http://" + shownHost + ":" + server.port());
            ticker =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "localkvs-producers");
                                t.setDaemon(true);
                                return t;
                            });
            ticker.scheduleWithFixedDelay(
                    this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            LOG.info("LocalKvs serving at {}", endpoint);
            return this;
        }
    }

    /** Materializes due live fragments on all streams and occasionally forgets stale state. */
    private void tick() {
        try {
            registry.catchUpAll();
            if (++ticks % PURGE_EVERY_TICKS == 0) {
                sessions.purge();
                limits.purge();
            }
        } catch (RuntimeException e) {
            LOG.warn("LocalKvs producer tick failed", e);
        }
    }

    /**
     * The base URL of the server, for {@code endpointOverride}: {@code http://127.0.0.1:<port>}.
     */
    public URI endpoint() {
        URI current = endpoint;
        Preconditions.checkState(current != null, "LocalKvs is not started.");
        return current;
    }

    private String dataEndpoint() {
        return endpoint().toString();
    }

    /** Creates a stream with no tags; see {@link #createStream(String, Map)}. */
    public LocalKvsStream createStream(String name) {
        return createStream(name, Map.of());
    }

    /**
     * Creates an H.264 stream that retains data for the server's retention (at least an hour), as
     * CreateStream would with DataRetentionInHours set.
     */
    public LocalKvsStream createStream(String name, Map<String, String> tags) {
        Preconditions.checkArgument(
                isValidName(name),
                "name must be 1 to 256 characters of [a-zA-Z0-9_.-] but was '%s'.",
                name);
        Preconditions.checkNotNull(tags, "tags must not be null.");
        long hours = Math.max(1, (registry.settings().retentionMillis() + 3_599_999L) / 3_600_000L);
        StreamState created =
                registry.create(
                        new StreamSpec(
                                name,
                                "video/h264",
                                null,
                                "arn:aws:kms:"
                                        + registry.settings().region()
                                        + ":"
                                        + registry.settings().accountId()
                                        + ":alias/aws/kinesisvideo",
                                (int) Math.min(hours, 87_600),
                                Map.copyOf(tags)));
        Preconditions.checkArgument(created != null, "A stream named '%s' already exists.", name);
        return new LocalKvsStream(created);
    }

    private static boolean isValidName(String name) {
        try {
            StreamLookup.checkName(name);
            return true;
        } catch (KvsError e) {
            return false;
        }
    }

    /**
     * The session tokens LocalKvs has handed out and still remembers, so that tests can check that
     * no token leaks into logs, exceptions or metrics.
     */
    public java.util.Set<String> issuedSessionTokens() {
        return sessions.tokens();
    }

    /** Deletes the stream: its producer stops, its sessions answer 404, its fragments are gone. */
    public void deleteStream(String name) {
        Preconditions.checkArgument(
                registry.delete(name) != null, "There is no stream named '%s'.", name);
    }

    /** The handle of an existing stream, whether created here or through CreateStream. */
    public LocalKvsStream stream(String name) {
        StreamState state = registry.byName(name);
        Preconditions.checkArgument(state != null, "There is no stream named '%s'.", name);
        return new LocalKvsStream(state);
    }

    public List<String> streamNames() {
        List<String> names = new ArrayList<>();
        registry.all().forEach(s -> names.add(s.name()));
        return names;
    }

    /**
     * LocalKvs's STS: roles callers may assume through AssumeRole at {@link #endpoint()}, and an
     * optional requirement that KVS calls use one role's temporary credentials.
     */
    public AssumableRoles roles() {
        return roles;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** How many requests of {@code op} arrived so far, including failed and faulted ones. */
    public long requestCount(KvsOperation op) {
        Preconditions.checkNotNull(op, "op must not be null.");
        KvsHttpServer current = server;
        return current == null ? 0 : current.requestCount(op);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    /** Configures a {@link LocalKvs}. */
    @PublicEvolving
    public static final class Builder {

        private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
        private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

        private String host = "127.0.0.1";
        private int port = 0;
        private String region = "us-east-1";
        private String accountId = "123456789012";
        private InstantSource clock = InstantSource.system();
        private boolean enforceQuotas = false;
        private Duration retention = Duration.ofHours(2);
        private int maxFragmentsPerStream = 10_000;
        private Duration ingestionDelay = Duration.ofMillis(100);

        private Builder() {}

        /** The address to bind; loopback by default. */
        public Builder host(String host) {
            Preconditions.checkArgument(
                    host != null && !host.isBlank(),
                    "host must be a non-empty address but was '%s'.",
                    host);
            this.host = host;
            return this;
        }

        /** The port to bind; 0 (the default) picks a free ephemeral port. */
        public Builder port(int port) {
            Preconditions.checkArgument(
                    port >= 0 && port <= 65535, "port must be 0 to 65535 but was %s.", port);
            this.port = port;
            return this;
        }

        /** The region named in ARNs; {@code us-east-1} by default. */
        public Builder region(String region) {
            Preconditions.checkArgument(
                    region != null && REGION.matcher(region).matches(),
                    "region must look like us-east-1 but was '%s'.",
                    region);
            this.region = region;
            return this;
        }

        /** The 12-digit account id named in ARNs. */
        public Builder accountId(String accountId) {
            Preconditions.checkArgument(
                    accountId != null && ACCOUNT.matcher(accountId).matches(),
                    "accountId must be 12 digits but was '%s'.",
                    accountId);
            this.accountId = accountId;
            return this;
        }

        /**
         * The clock for timestamps, pacing, quotas and session expiry; the system clock by default.
         */
        public Builder clock(InstantSource clock) {
            this.clock = Preconditions.checkNotNull(clock, "clock must not be null.");
            return this;
        }

        /**
         * Whether to answer ClientLimitExceededException above AWS's TPS quotas; off by default.
         */
        public Builder enforceQuotas(boolean enforceQuotas) {
            this.enforceQuotas = enforceQuotas;
            return this;
        }

        /** How long fragments are kept at most (also capped by each stream's own retention). */
        public Builder retention(Duration retention) {
            Preconditions.checkArgument(
                    retention != null && retention.toMillis() >= 1000,
                    "retention must be at least 1 second but was %s.",
                    retention);
            this.retention = retention;
            return this;
        }

        /** The most fragment records a stream keeps, oldest evicted first; 10,000 by default. */
        public Builder maxFragmentsPerStream(int maxFragmentsPerStream) {
            Preconditions.checkArgument(
                    maxFragmentsPerStream >= 1,
                    "maxFragmentsPerStream must be >= 1 but was %s.",
                    maxFragmentsPerStream);
            this.maxFragmentsPerStream = maxFragmentsPerStream;
            return this;
        }

        /** Server timestamp minus producer timestamp of every fragment; 100 ms by default. */
        public Builder ingestionDelay(Duration ingestionDelay) {
            Preconditions.checkArgument(
                    ingestionDelay != null
                            && !ingestionDelay.isNegative()
                            && ingestionDelay.toMillis() <= 60_000,
                    "ingestionDelay must be 0 to 60 s but was %s.",
                    ingestionDelay);
            this.ingestionDelay = ingestionDelay;
            return this;
        }

        public LocalKvs build() {
            return new LocalKvs(this);
        }
    }
}
