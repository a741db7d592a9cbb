package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.source.KvsHlsSource;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;
import io.kvsinfer.connector.kvs.source.config.KvsSourcePreset;
import io.kvsinfer.connector.kvs.source.config.StartingPosition;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClientBuilder;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo behind {@code examples/run-demo.sh}: reads cameras with {@link KvsHlsSource} in a Flink
 * job on a local MiniCluster in this process and shows per-camera progress, JPEG snapshots, a
 * contact sheet and a summary. With no arguments it starts LocalKvs with three synthetic cameras;
 * {@code --stream-name}/{@code --camera} read real Kinesis Video Streams instead. Run with {@code
 * --help} for the options.
 *
 * <p>{@link #run(String...)} returns the exit code (0 done, 1 failed, 2 bad command line), so tests
 * can call it; {@link #main} adds the Ctrl-C handling and exits with it.
 */
public final class KvsDemo {

    static final int SYNTHETIC_CAMERAS = 3;
    static final int SYNTHETIC_WIDTH = 640;
    static final int SYNTHETIC_HEIGHT = 360;
    static final int SYNTHETIC_FPS = 15;
    private static final long TICK_MILLIS = 250;
    private static final String PLACEHOLDER_KEY = "AKIDEXAMPLE";
    private static final String PLACEHOLDER_SECRET = "local-kvs-accepts-any-secret";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean ansi;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Cameras whose source metrics reached the console in the last run; for tests. */
    final List<String> camerasWithMetrics = new java.util.concurrent.CopyOnWriteArrayList<>();

    public KvsDemo(PrintStream out, PrintStream err, boolean ansi) {
        this.out = out;
        this.err = err;
        this.ansi = ansi;
    }

    public static void main(String[] args) {
        String term = System.getenv("TERM");
        boolean ansi = System.console() != null && !"dumb".equals(term);
        // FFmpeg and openh264 talk on stderr at INFO and WARNING; the demo's console is for its own
        // lines.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
                org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        KvsDemo demo = new KvsDemo(System.out, System.err, ansi);
        Thread hook = new Thread(demo::stopAndAwait, "kvs-demo-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = demo.run(args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            awaitMiniClusterShutdown();
        } catch (IllegalStateException e) {
            // Already shutting down (Ctrl-C): the hook has waited for run() to finish.
        }
        System.out.flush();
        System.exit(code);
    }

    /**
     * The local MiniCluster closes asynchronously after its job ends. Exiting while its Pekko actor
     * system still runs lets Pekko's JVM shutdown hook race Flink's clean-up hooks and print a
     * stack trace, so wait (briefly) until its threads are gone.
     */
    private static void awaitMiniClusterShutdown() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.isAlive() && t.getName().contains("pekko"))) {
            sleep(50);
        }
    }

    /** Asks a running demo to stop (as Ctrl-C does) and waits until it has printed its summary. */
    public void stopAndAwait() {
        stopRequested.set(true);
        try {
            finished.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the demo; returns 0 when it ran to its end, 1 when it failed, 2 for a bad command line.
     */
    public int run(String... args) {
        try {
            return runChecked(args);
        } catch (DemoOptions.UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (DemoFailure e) {
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
            finished.countDown();
        }
    }

    private int runChecked(String[] args) {
        DemoOptions options = DemoOptions.parse(args);
        if (options.help) {
            out.println(DemoOptions.USAGE);
            return 0;
        }
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(options.outDir);
        } catch (IOException e) {
            throw new DemoFailure(
                    "Cannot create the output directory "
                            + options.outDir
                            + " ("
                            + e.getMessage()
                            + "): pass a writable directory with --out.");
        }
        long nowMillis = System.currentTimeMillis();
        LocalKvs kvs = null;
        try {
            Setup setup;
            if (options.builtIn()) {
                kvs = startLocalKvs(options, nowMillis);
                setup = builtInSetup(kvs);
            } else {
                setup = externalSetup(options);
            }
            applyReadingOptions(setup.builder, options, nowMillis);
            return runJob(options, setup);
        } finally {
            if (kvs != null) {
                kvs.close();
            }
        }
    }

    // ---- where the cameras come from ------------------------------------------------------------

    /** The source builder with its cameras, and how to explain failures against them. */
    private static final class Setup {
        final KvsHlsSourceBuilder<VideoFrame> builder;
        final Map<String, String> cameras;
        final DemoErrors errors;
        final String description;

        Setup(
                KvsHlsSourceBuilder<VideoFrame> builder,
                Map<String, String> cameras,
                DemoErrors errors,
                String description) {
            this.builder = builder;
            this.cameras = cameras;
            this.errors = errors;
            this.description = description;
        }
    }

    private LocalKvs startLocalKvs(DemoOptions options, long nowMillis) {
        out.printf(
                "Starting LocalKvs with %d synthetic cameras (%dx%d, %d fps)...%n",
                SYNTHETIC_CAMERAS, SYNTHETIC_WIDTH, SYNTHETIC_HEIGHT, SYNTHETIC_FPS);
        out.flush();
        FragmentedMedia media =
                SyntheticCamera.encode(SYNTHETIC_WIDTH, SYNTHETIC_HEIGHT, SYNTHETIC_FPS);
        LocalKvs kvs = LocalKvs.builder().build().start();
        try {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < SYNTHETIC_CAMERAS; i++) {
                String name = "cam-" + (i + 1);
                names.add(name);
                // Each camera starts the loop at another fragment, so the three show different
                // pictures.
                FragmentedMedia camera = new RotatedMedia(media, i);
                var stream = kvs.createStream(name);
                if (options.bounded()) {
                    // Something to replay: the last --replay-seconds (and a bit) of this camera,
                    // recorded at once.
                    long fragmentMillis = camera.durationMillis(0);
                    int count =
                            (int)
                                    Math.min(
                                            10_000,
                                            options.replaySeconds * 1000 / fragmentMillis + 1);
                    stream.appendArchived(camera, nowMillis - count * fragmentMillis, count);
                }
                stream.startLive(camera);
            }
            if (!options.bounded()) {
                awaitFirstFragments(kvs, names);
            }
            return kvs;
        } catch (RuntimeException | Error e) {
            kvs.close();
            throw e;
        }
    }

    /**
     * A live read starts at the newest fragment: wait for each camera's first one (2 s) rather than
     * idle-polling.
     */
    private static void awaitFirstFragments(LocalKvs kvs, List<String> names) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (names.stream().allMatch(n -> !kvs.stream(n).fragments().isEmpty())) {
                return;
            }
            sleep(100);
        }
        throw new DemoFailure(
                "LocalKvs produced no video within 15 s: the machine may be overloaded; try"
                        + " again.");
    }

    private Setup builtInSetup(LocalKvs kvs) {
        Map<String, String> cameras = new LinkedHashMap<>();
        KvsHlsSourceBuilder<VideoFrame> builder =
                KvsHlsSource.builder()
                        .setEndpoint(kvs.endpoint())
                        .setStaticCredentials(PLACEHOLDER_KEY, PLACEHOLDER_SECRET)
                        .applyPreset(KvsSourcePreset.TESTING)
                        .setOption(KvsSourceOptions.IDLE_POLL_INTERVAL, Duration.ofSeconds(1));
        for (String name : kvs.streamNames()) {
            cameras.put(name, name);
            builder.addCamera(name, name);
        }
        return new Setup(
                builder,
                cameras,
                new DemoErrors("us-east-1", kvs.endpoint().toString()),
                "LocalKvs at " + kvs.endpoint() + " with " + cameras.size() + " synthetic cameras");
    }

    private Setup externalSetup(DemoOptions options) {
        String region = options.region != null ? options.region : defaultRegion();
        DemoErrors errors =
                new DemoErrors(
                        region, options.endpoint == null ? null : options.endpoint.toString());
        KvsHlsSourceBuilder<VideoFrame> builder =
                KvsHlsSource.builder()
                        .setRegion(region)
                        // Quick reconnects and an early give-up suit an interactive demo.
                        .applyPreset(KvsSourcePreset.TESTING);
        try {
            options.cameras.forEach(builder::addCamera);
        } catch (IllegalArgumentException e) {
            throw new DemoOptions.UsageException(sentence(e.getMessage()));
        }
        AwsCredentialsProvider credentials = credentials(options, errors, builder);
        if (options.endpoint != null) {
            builder.setEndpoint(options.endpoint);
        }
        preflight(options, region, credentials, errors);
        String where =
                options.endpoint != null
                        ? options.endpoint.toString()
                        : "Kinesis Video Streams in " + region;
        return new Setup(
                builder,
                options.cameras,
                errors,
                where
                        + ", "
                        + options.cameras.size()
                        + " camera"
                        + (options.cameras.size() == 1 ? "" : "s"));
    }

    private static String defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (SdkException | IllegalStateException e) {
            return "us-east-1";
        }
    }

    /**
     * The default chain; against --endpoint without any credentials, placeholders (LocalKvs takes
     * any).
     */
    private AwsCredentialsProvider credentials(
            DemoOptions options, DemoErrors errors, KvsHlsSourceBuilder<VideoFrame> builder) {
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        try {
            chain.resolveCredentials();
            return chain;
        } catch (SdkException e) {
            if (options.endpoint == null) {
                throw new DemoFailure(errors.noCredentials());
            }
            out.println(
                    "No AWS credentials found; using placeholder credentials for "
                            + options.endpoint
                            + ".");
            builder.setStaticCredentials(PLACEHOLDER_KEY, PLACEHOLDER_SECRET);
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(PLACEHOLDER_KEY, PLACEHOLDER_SECRET));
        }
    }

    /**
     * One GetDataEndpoint per stream before Flink starts: unknown streams, denied access and no
     * network fail in a second.
     */
    private static void preflight(
            DemoOptions options,
            String region,
            AwsCredentialsProvider credentials,
            DemoErrors errors) {
        KinesisVideoClientBuilder client =
                KinesisVideoClient.builder()
                        .region(Region.of(region))
                        .credentialsProvider(credentials)
                        .overrideConfiguration(
                                o ->
                                        o.apiCallTimeout(Duration.ofSeconds(20))
                                                .apiCallAttemptTimeout(Duration.ofSeconds(5)));
        if (options.endpoint != null) {
            client.endpointOverride(options.endpoint);
        }
        try (KinesisVideoClient kvs = client.build()) {
            for (String stream : options.cameras.values()) {
                try {
                    kvs.getDataEndpoint(
                            b -> {
                                if (stream.startsWith("arn:")) {
                                    b.streamARN(stream);
                                } else {
                                    b.streamName(stream);
                                }
                                b.apiName(APIName.GET_HLS_STREAMING_SESSION_URL);
                            });
                } catch (SdkException e) {
                    throw new DemoFailure(errors.preflightFailed(stream, e));
                }
            }
        }
    }

    private static void applyReadingOptions(
            KvsHlsSourceBuilder<VideoFrame> builder, DemoOptions options, long nowMillis) {
        if (options.fps > 0) {
            builder.sampleFps(options.fps);
        }
        if (options.keyFramesOnly) {
            builder.sampleKeyFramesOnly();
        }
        if (options.width > 0) {
            builder.setOutputSize(options.width, options.height);
        }
        if (options.bounded()) {
            builder.setStartingPosition(
                            StartingPosition.fromTimestamp(
                                    nowMillis - options.replaySeconds * 1000))
                    .setStoppingTimestamp(Instant.ofEpochMilli(nowMillis));
        }
    }

    // ---- the job and the console ------------------------------------------------------------

    private int runJob(DemoOptions options, Setup setup) {
        KvsHlsSource<VideoFrame> source;
        try {
            source = setup.builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new DemoOptions.UsageException(sentence(e.getMessage()));
        }
        try (DemoRun run = new DemoRun(setup.cameras, options.maxFrames)) {
            Configuration conf = new Configuration();
            conf.set(
                    ConfigOptions.key("metrics.reporter.demo.factory.class")
                            .stringType()
                            .noDefaultValue(),
                    DemoMetricsReporter.Factory.class.getName());
            conf.set(
                    ConfigOptions.key("metrics.reporter.demo." + DemoMetricsReporter.RUN_PROPERTY)
                            .stringType()
                            .noDefaultValue(),
                    run.id);
            // A failure should end the demo with its reason, not restart the job over and over.
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            int parallelism =
                    Math.max(
                            1,
                            Math.min(
                                    setup.cameras.size(),
                                    Runtime.getRuntime().availableProcessors()));
            env.setParallelism(parallelism);
            // The sink only looks at frames: no need to copy each between the chained operators.
            env.getConfig().enableObjectReuse();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "kvs-cameras")
                    .sinkTo(new ProgressSink(run.id))
                    .name("demo-progress");

            Snapshots snapshots = new Snapshots(options.outDir.resolve("snapshots"));
            try {
                snapshots.clearEarlierRuns();
            } catch (IOException e) {
                throw new DemoFailure(
                        "Cannot clear old snapshots in "
                                + snapshots.dir()
                                + " ("
                                + e.getMessage()
                                + "): pass a writable directory with --out.");
            }
            out.println(
                    "Reading "
                            + setup.description
                            + (options.bounded()
                                    ? ", the last "
                                            + options.replaySeconds
                                            + " s as a bounded replay"
                                    : ", live")
                            + ".");
            out.println(
                    "Flink job on a local MiniCluster (parallelism "
                            + parallelism
                            + "); snapshots every "
                            + Snapshots.INTERVAL_NANOS / 1_000_000_000L
                            + " s in "
                            + display(snapshots.dir())
                            + (options.maxFrames > 0
                                    ? "; stops after " + options.maxFrames + " frames per camera"
                                    : "")
                            + "; Ctrl-C stops.");
            out.flush();

            JobClient job;
            try {
                job = env.executeAsync("kvs-demo");
            } catch (Exception e) {
                throw new DemoFailure(setup.errors.jobFailed(e));
            }
            String ending = watch(job, run, options, setup, snapshots);
            return finish(run, options, snapshots, ending);
        }
    }

    /**
     * Draws progress and saves snapshots until the job ends, every camera has --max-frames, or
     * Ctrl-C; then stops the job.
     */
    private String watch(
            JobClient job, DemoRun run, DemoOptions options, Setup setup, Snapshots snapshots) {
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        long start = System.nanoTime();
        ProgressView view = new ProgressView(out, ansi, run, start);
        String ending = null;
        try {
            while (ending == null) {
                sleep(TICK_MILLIS);
                long nowNanos = System.nanoTime();
                if (stopRequested.get()) {
                    ending = "Stopped (Ctrl-C).";
                } else if (run.allReachedMaxFrames()) {
                    ending =
                            "Stopped after "
                                    + options.maxFrames
                                    + " frames per camera (--max-frames).";
                } else if (result.isDone()) {
                    Throwable failure = failureOf(result);
                    if (failure != null) {
                        view.finish(run, nowNanos, System.currentTimeMillis());
                        throw new DemoFailure(setup.errors.jobFailed(failure));
                    }
                    ending =
                            options.bounded()
                                    ? "The replay of the last "
                                            + options.replaySeconds
                                            + " s is complete."
                                    : "The job finished.";
                }
                saveSnapshots(snapshots, run, nowNanos, false);
                view.tick(run, nowNanos, System.currentTimeMillis());
            }
        } finally {
            if (!result.isDone()) {
                job.cancel();
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // Cancelled, as asked: the job's end is not an error here.
                }
            }
        }
        view.finish(run, System.nanoTime(), System.currentTimeMillis());
        return ending;
    }

    private int finish(DemoRun run, DemoOptions options, Snapshots snapshots, String ending) {
        run.cameras().stream()
                .filter(DemoRun.Camera::hasMetrics)
                .forEach(c -> camerasWithMetrics.add(c.id));
        saveSnapshots(snapshots, run, System.nanoTime(), true);
        Path sheet = options.outDir.resolve("contact-sheet.png");
        List<String> ids = new ArrayList<>();
        List<VideoFrame> latest = new ArrayList<>();
        run.cameras()
                .forEach(
                        c -> {
                            ids.add(c.id);
                            latest.add(c.snapshot().latest);
                        });
        try {
            Pictures.writePng(Pictures.contactSheet(ids, latest), sheet);
        } catch (IOException e) {
            throw new DemoFailure(
                    "Cannot write "
                            + sheet
                            + " ("
                            + e.getMessage()
                            + "): pass a writable directory with --out.");
        }
        out.println();
        out.println(ending);
        Summary.table(run, options.bounded()).forEach(out::println);
        out.println(
                "fps: frames per second of video from each camera's first frame to its last"
                        + (options.bounded() ? "; speed: seconds of video read per second." : "."));
        out.println(
                "Snapshots: "
                        + display(snapshots.dir())
                        + " ("
                        + snapshots.written()
                        + " written)   Contact sheet: "
                        + display(sheet));
        if (Pictures.fontMissing) {
            out.println(
                    "(This Java has no fonts, so the pictures carry no labels; install fontconfig"
                            + " and a font such as fonts-dejavu-core.)");
        }
        String log = System.getProperty("kvs.demo.log");
        if (log != null) {
            out.println("Flink log: " + log);
        }
        for (DemoRun.Camera camera : run.cameras()) {
            if (camera.snapshot().frames == 0) {
                out.println(
                        "Camera "
                                + camera.id
                                + " received no frames: check that stream "
                                + camera.stream
                                + " has a producer"
                                + (options.bounded() ? " and video in the replayed time." : "."));
            }
        }
        out.println(Summary.json(run));
        out.flush();
        return 0;
    }

    private static void saveSnapshots(
            Snapshots snapshots, DemoRun run, long nowNanos, boolean force) {
        try {
            snapshots.save(run, nowNanos, force);
        } catch (IOException e) {
            throw new DemoFailure(
                    "Cannot write snapshots to "
                            + snapshots.dir()
                            + " ("
                            + e.getMessage()
                            + "): pass a writable directory with --out.");
        }
    }

    private static Throwable failureOf(CompletableFuture<?> result) {
        try {
            result.getNow(null);
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    private static String display(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    private static String sentence(String message) {
        String s = message == null ? "invalid option" : message.trim();
        return s.endsWith(".") ? s : s + ".";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("Interrupted.");
        }
    }

    /** A failure explained in one sentence. */
    static final class DemoFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailure(String sentence) {
            super(sentence);
        }
    }
}
