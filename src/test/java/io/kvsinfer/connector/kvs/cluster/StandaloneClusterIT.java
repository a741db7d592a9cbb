package io.kvsinfer.connector.kvs.cluster;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.media.SyntheticCamera;
import io.kvsinfer.connector.kvs.testing.EncoderFixtures;
import io.kvsinfer.connector.kvs.testing.FrameKey;
import io.kvsinfer.connector.kvs.testing.FrameSequenceVerifier;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector on a real multi-process Flink cluster (see {@link StandaloneCluster}): the example
 * job ({@code FrameIndexFilesJob}) packaged as a job jar by {@code mvn package}, submitted through
 * the REST API, reading four LocalKvs cameras into files that Flink's FileSink commits on each
 * checkpoint. Checks, from the indices drawn in the pixels: that the cameras run on both
 * TaskManagers and every frame arrives; that after a TaskManager is killed by its pid the job
 * recovers from its last checkpoint with no frame lost or duplicated; and that the same job
 * submitted twice to one TaskManager works both times and the first job's classloader is released.
 * Runs in {@code mvn verify} (failsafe, after the job jar is built).
 */
class StandaloneClusterIT {

    private static final int FPS = 15;
    private static final List<String> CAMERAS = List.of("lobby", "dock", "gate", "yard");
    private static final Pattern TASK_MANAGER_ID =
            Pattern.compile("\"taskmanager-id\":\"([^\"]+)\"");
    private static final Pattern VERTEX_ID =
            Pattern.compile("\"vertices\":\\[\\{\"id\":\"([0-9a-f]+)\"");

    /** Configuration, logs and job output of every process stay here for a look after the run. */
    private static final Path work = Path.of("target", "cluster-it").toAbsolutePath();

    private static LocalKvs kvs;
    private static StandaloneCluster cluster;
    private static RestClusterClient<StandaloneClusterId> client;

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        deleteRecursively(work);
        kvs = LocalKvs.builder().build().start();
        FragmentedMedia camera = SyntheticCamera.encode(320, 240, FPS);
        kvs.createStream(CAMERAS.get(0)).startLive(camera);
        kvs.createStream(CAMERAS.get(1)).startLive(camera);
        // Video whose fragments need the ones before: x265's open GOP and x264 cut mid-GOP.
        kvs.createStream(CAMERAS.get(2)).startLive(EncoderFixtures.load("h265-opengop"));
        kvs.createStream(CAMERAS.get(3)).startLive(EncoderFixtures.load("h264-defaults"));
        cluster = new StandaloneCluster(Files.createDirectories(work.resolve("cluster")));
        cluster.startJobManager();
        cluster.startTaskManager("tm-1", 2);
        cluster.startTaskManager("tm-2", 2);
        cluster.awaitTaskManagers(2, Duration.ofSeconds(90));
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, cluster.restPort());
        client = new RestClusterClient<>(conf, StandaloneClusterId.getInstance());
        System.out.printf(
                "Standalone cluster: JobManager pid %d, TaskManagers %d and %d, REST port %d, up in"
                        + " %.1f s%n",
                cluster.pid("jobmanager"),
                cluster.pid("tm-1"),
                cluster.pid("tm-2"),
                cluster.restPort(),
                (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (kvs != null) {
            kvs.close();
        }
    }

    @Test
    void spreadOverTaskManagersSurvivesAKilledTaskManagerAndReleasesClassloaders()
            throws Exception {
        // 1. Four cameras over both TaskManagers, every frame arriving.
        Path output = work.resolve("four-cameras");
        JobID job = submit(CAMERAS, output);
        awaitCommitted(output, CAMERAS, 3 * FPS);
        assertThat(taskManagersOf(job))
                .as("TaskManagers running the source")
                .containsExactlyInAnyOrder("tm-1", "tm-2");

        // 2. Kill a TaskManager by its pid; a new one joins; the job restores its last checkpoint.
        long killedAt = System.currentTimeMillis();
        long pid = cluster.pid("tm-1");
        cluster.kill("tm-1");
        cluster.startTaskManager("tm-3", 2);
        System.out.printf("Killed TaskManager tm-1 (pid %d); started tm-3%n", pid);
        awaitCommittedAfter(output, CAMERAS, killedAt + 6000, Duration.ofSeconds(120));
        assertThat(taskManagersOf(job))
                .as("TaskManagers after the failover")
                .containsExactlyInAnyOrder("tm-2", "tm-3");
        cancel(job);
        Map<String, List<FrameKey>> afterFailover = assertEveryFrameOnce(output);
        afterFailover
                .values()
                .forEach(
                        frames ->
                                assertThat(frames.get(0).timestampMillis)
                                        .isLessThan(killedAt - 2000));

        // 3. One TaskManager without JavaCV: the job jar that brings JavaCV, twice in a row; the
        //    first job's class loader (and JavaCPP's deallocator thread with it) goes away.
        cluster.stop("tm-2");
        cluster.stop("tm-3");
        cluster.startTaskManager("tm-4", 2, false);
        cluster.awaitTaskManagers(1, Duration.ofSeconds(60));
        List<String> two = CAMERAS.subList(0, 2);
        String fatJar = jobJar("cluster.job.jar.with.javacv", "-example-job-with-javacv.jar");
        JobID first = submit(fatJar, two, work.resolve("first"));
        awaitCommitted(work.resolve("first"), two, 2 * FPS);
        cancel(first);
        JobID second = submit(fatJar, two, work.resolve("second"));
        awaitCommitted(work.resolve("second"), two, 2 * FPS);
        assertThat(taskManagersOf(second)).containsExactly("tm-4");
        long userLoaders = userClassLoadersAfterGc("tm-4", 1, Duration.ofSeconds(30));
        assertThat(userLoaders)
                .as(
                        "user-code class loaders alive on tm-4 while the second job runs (the first"
                                + " job's must be gone; see %s)",
                        work.resolve("cluster/tm-4"))
                .isEqualTo(1);
        cancel(second);
        assertEveryFrameOnce(work.resolve("first"));
        assertEveryFrameOnce(work.resolve("second"));
    }

    /**
     * Collects garbage on a TaskManager until at most {@code expected} user-code class loaders are
     * left or the time is up; returns how many are left. Writes the loader statistics and a thread
     * dump next to the TaskManager's log, to see what pins a loader that stays.
     */
    private static long userClassLoadersAfterGc(String taskManager, int expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count;
        String loaders;
        do {
            cluster.jcmd(taskManager, "GC.run");
            loaders = cluster.jcmd(taskManager, "VM.classloader_stats");
            count =
                    loaders.lines()
                            .filter(l -> l.contains("org.apache.flink.util.ChildFirstClassLoader"))
                            .count();
            if (count <= expected) {
                break;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        Path dir = work.resolve("cluster").resolve(taskManager);
        Files.writeString(dir.resolve("classloader-stats.txt"), loaders);
        Files.writeString(dir.resolve("threads.txt"), cluster.jcmd(taskManager, "Thread.print"));
        Files.writeString(
                dir.resolve("class-histogram.txt"),
                cluster.jcmd(taskManager, "GC.class_histogram"));
        if (count > expected) {
            cluster.jcmd(taskManager, "GC.heap_dump", dir.resolve("heap.hprof").toString());
        }
        System.out.printf("%s: %d user-code class loaders after GC%n", taskManager, count);
        return count;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static JobID submit(List<String> cameras, Path output) throws Exception {
        return submit(jobJar("cluster.job.jar", "-example-job.jar"), cameras, output);
    }

    /**
     * The job jar that failsafe names in {@code property}, or else (run from an IDE) the one in
     * target/ whose name ends with {@code suffix}: its version carries the Flink line it is built
     * for.
     */
    private static String jobJar(String property, String suffix) throws IOException {
        String configured = System.getProperty(property);
        if (configured != null) {
            return configured;
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.map(Path::toString)
                    .filter(name -> name.endsWith(suffix))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "No target/*" + suffix + ": run mvn package first"));
        }
    }

    private static JobID submit(String jarPath, List<String> cameras, Path output)
            throws Exception {
        File jar = new File(jarPath);
        assertThat(jar).as("the job jar (built by mvn package)").exists();
        PackagedProgram program =
                PackagedProgram.newBuilder()
                        .setJarFile(jar)
                        .setArguments(
                                "--endpoint",
                                kvs.endpoint().toString(),
                                "--cameras",
                                String.join(",", cameras),
                                "--output",
                                output.toString(),
                                "--checkpoint-interval",
                                "2000")
                        .build();
        JobGraph graph =
                PackagedProgramUtils.createJobGraph(
                        program, new Configuration(), cameras.size(), false);
        JobID job = client.submitJob(graph).get();
        System.out.printf(
                "Submitted job %s (%d cameras) through the REST API%n", job, cameras.size());
        return job;
    }

    private static void cancel(JobID job) throws Exception {
        client.cancel(job).get();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.getJobStatus(job).get() != JobStatus.CANCELED) {
            assertThat(System.nanoTime()).as("job %s cancelled in time", job).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static Set<String> taskManagersOf(JobID job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Matcher vertex = VERTEX_ID.matcher(cluster.get("/jobs/" + job));
            if (vertex.find()) {
                String taskManagers =
                        cluster.get(
                                "/jobs/" + job + "/vertices/" + vertex.group(1) + "/taskmanagers");
                Set<String> ids = new TreeSet<>();
                Matcher m = TASK_MANAGER_ID.matcher(taskManagers);
                while (m.find()) {
                    ids.add(m.group(1));
                }
                if (!ids.isEmpty()
                        && !taskManagers.contains("\"DEPLOYING\":1")
                        && !taskManagers.contains("\"SCHEDULED\":1")) {
                    return ids;
                }
            }
            assertThat(System.nanoTime()).as("job %s has running tasks", job).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** Frames in the committed (finished) part files, by camera, in event-time order. */
    private static Map<String, List<FrameKey>> committed(Path output) throws IOException {
        Map<String, List<FrameKey>> byCamera = new TreeMap<>();
        if (!Files.isDirectory(output)) {
            return byCamera;
        }
        // Buckets, then their finished parts. Hidden in-progress files are skipped by name, never
        // looked at: the sink renames them at any moment, and a walk that reads their attributes
        // fails when one has just gone.
        List<Path> parts = new ArrayList<>();
        try (DirectoryStream<Path> buckets = Files.newDirectoryStream(output)) {
            for (Path bucket : buckets) {
                if (!Files.isDirectory(bucket)) {
                    continue;
                }
                try (DirectoryStream<Path> finished =
                        Files.newDirectoryStream(
                                bucket, p -> !p.getFileName().toString().startsWith("."))) {
                    finished.forEach(parts::add);
                }
            }
        }
        for (Path part : parts) {
            for (String line : Files.readAllLines(part)) {
                String[] f = line.split(",");
                byCamera.computeIfAbsent(f[0], c -> new ArrayList<>())
                        .add(
                                new FrameKey(
                                        f[0],
                                        Long.parseLong(f[1]),
                                        Integer.parseInt(f[2]),
                                        320,
                                        240));
            }
        }
        byCamera.values()
                .forEach(frames -> frames.sort(Comparator.comparingLong(k -> k.timestampMillis)));
        return byCamera;
    }

    private static void awaitCommitted(Path output, List<String> cameras, int perCamera)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            Map<String, List<FrameKey>> frames = committed(output);
            if (cameras.stream()
                    .allMatch(c -> frames.getOrDefault(c, List.of()).size() >= perCamera)) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("%s frames committed per camera in %s", perCamera, output)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static void awaitCommittedAfter(
            Path output, List<String> cameras, long timestampMillis, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, List<FrameKey>> frames = committed(output);
            if (cameras.stream()
                    .allMatch(
                            c -> {
                                List<FrameKey> list = frames.getOrDefault(c, List.of());
                                return !list.isEmpty()
                                        && list.get(list.size() - 1).timestampMillis
                                                > timestampMillis;
                            })) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("frames after %s committed in %s", timestampMillis, output)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static Map<String, List<FrameKey>> assertEveryFrameOnce(Path output)
            throws IOException {
        Map<String, List<FrameKey>> frames = committed(output);
        for (Map.Entry<String, List<FrameKey>> camera : frames.entrySet()) {
            new FrameSequenceVerifier(kvs.stream(camera.getKey()).fragments(), FPS)
                    .assertContiguous(camera.getValue());
        }
        return frames;
    }
}
