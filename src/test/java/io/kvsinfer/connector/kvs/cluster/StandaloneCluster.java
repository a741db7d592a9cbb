package io.kvsinfer.connector.kvs.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster assembled from Maven artifacts, as {@code flink-dist} would
 * start it: one JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code
 * TaskManagerRunner}), each a JVM of its own with its own configuration directory, all on
 * 127.0.0.1. The classpath is this test's without the project's own classes (the job jar brings
 * those), which gives the cluster Flink, its file connector and JavaCV (the "JavaCV in lib/" way,
 * with {@code classloader.parent-first-patterns.additional: org.bytedeco}).
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Pattern TASK_MANAGERS = Pattern.compile("\"taskmanagers\":(\\d+)");

    private final Path root;
    private final int restPort;
    private final int rpcPort;
    private final String classpath;
    private final String classpathWithoutJavacv;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Boolean> javacvOutsideJob = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StandaloneCluster(Path root) throws IOException {
        this.root = root;
        this.restPort = freePort();
        this.rpcPort = freePort();
        this.classpath = clusterClasspath();
        this.classpathWithoutJavacv =
                Arrays.stream(classpath.split(File.pathSeparator))
                        .filter(entry -> !entry.replace('\\', '/').contains("/org/bytedeco/"))
                        .collect(Collectors.joining(File.pathSeparator));
    }

    int restPort() {
        return restPort;
    }

    void startJobManager() throws IOException {
        start(
                "jobmanager",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "-Xmx512m");
    }

    /** Starts a TaskManager named {@code name} with {@code slots} slots and JavaCV in its lib/. */
    void startTaskManager(String name, int slots) throws IOException {
        startTaskManager(name, slots, true);
    }

    /**
     * Starts a TaskManager; with {@code javacvInLib} false it has no JavaCV on its classpath and no
     * parent-first pattern for it, for jobs whose jar brings JavaCV.
     */
    void startTaskManager(String name, int slots, boolean javacvInLib) throws IOException {
        javacvOutsideJob.put(name, javacvInLib);
        start(
                name,
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "-Xmx512m",
                "-Xms512m",
                "-XX:MaxDirectMemorySize=448m",
                "-XX:MaxMetaspaceSize=256m",
                "-XX:SoftRefLRUPolicyMSPerMB=0",
                "-Dkvs.slots=" + slots);
    }

    long pid(String name) {
        return processes.get(name).pid();
    }

    /** SIGKILL, as when a machine or container dies. */
    void kill(String name) throws InterruptedException {
        processes.remove(name).destroyForcibly().waitFor();
    }

    /** SIGTERM, as {@code taskmanager.sh stop} does. */
    void stop(String name) throws InterruptedException {
        processes.remove(name).destroy();
    }

    /** Waits until exactly {@code count} TaskManagers are registered with the JobManager. */
    void awaitTaskManagers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String overview = "";
        while (System.nanoTime() < deadline) {
            try {
                overview = get("/overview");
                Matcher m = TASK_MANAGERS.matcher(overview);
                if (m.find() && Integer.parseInt(m.group(1)) == count) {
                    return;
                }
            } catch (IOException notYetUp) {
                overview = notYetUp.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "the cluster did not reach "
                        + count
                        + " TaskManagers: "
                        + overview
                        + "; logs in "
                        + root);
    }

    /** GET on the JobManager's REST API. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Runs {@code jcmd <pid of name> <command...>} and returns its output. */
    String jcmd(String name, String... command) throws IOException, InterruptedException {
        List<String> line =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                Long.toString(pid(name))));
        line.addAll(Arrays.asList(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor();
        return out;
    }

    private void start(String name, String mainClass, String... jvmOptions) throws IOException {
        Path conf = Files.createDirectories(root.resolve(name));
        int slots = 1;
        for (String option : jvmOptions) {
            if (option.startsWith("-Dkvs.slots=")) {
                slots = Integer.parseInt(option.substring("-Dkvs.slots=".length()));
            }
        }
        Files.writeString(conf.resolve("config.yaml"), config(name, slots));
        Files.writeString(
                conf.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = file",
                        "appender.file.type = File",
                        "appender.file.name = file",
                        "appender.file.fileName = " + conf.resolve(name + ".log"),
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
                        ""));
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString()));
        command.addAll(Arrays.stream(jvmOptions).filter(o -> !o.startsWith("-Dkvs.")).toList());
        command.addAll(
                List.of(
                        "-XX:G1HeapRegionSize=32m",
                        "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri(),
                        "-Dlog.file=" + conf.resolve(name + ".log"),
                        "-cp",
                        javacvOutsideJob.getOrDefault(name, true)
                                ? classpath
                                : classpathWithoutJavacv,
                        mainClass,
                        "--configDir",
                        conf.toString()));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(conf.resolve(name + ".out").toFile())
                        .start();
        processes.put(name, process);
    }

    private String config(String name, int slots) {
        return String.join(
                "\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "blob.server.port: 0",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.rpc.port: 0",
                "taskmanager.data.port: 0",
                "taskmanager.resource-id: " + name,
                "taskmanager.numberOfTaskSlots: " + slots,
                "taskmanager.cpu.cores: " + slots,
                // What flink-dist's scripts derive from taskmanager.memory.process.size and pass to
                // TaskManagerRunner; matching -Xmx and -XX:MaxDirectMemorySize in startTaskManager.
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 384m",
                "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.task.off-heap.size: 256m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.managed.size: 64m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                "metrics.internal.query-service.port: 0",
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 6000",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 30",
                "restart-strategy.fixed-delay.delay: 2 s",
                javacvOutsideJob.getOrDefault(name, true)
                        ? "classloader.parent-first-patterns.additional: org.bytedeco"
                        : "",
                "io.tmp.dirs: " + root.resolve(name).resolve("tmp"),
                "");
    }

    /** This test's classpath without the project's own classes. */
    private static String clusterClasspath() throws IOException {
        String full =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String entry : expandBooterJar(full).split(File.pathSeparator)) {
            String normalized = entry.replace('\\', '/');
            if (normalized.endsWith("/target/classes")
                    || normalized.endsWith("/target/test-classes")
                    || normalized.endsWith("/target/classes/")
                    || normalized.endsWith("/target/test-classes/")
                    || normalized.contains("flink-connector-kvs")) {
                continue;
            }
            entries.add(entry);
        }
        if (entries.size() < 20) {
            throw new IllegalStateException("expected the full test classpath, got " + full);
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Surefire and failsafe may start tests with a manifest-only jar whose Class-Path holds the
     * classpath.
     */
    private static String expandBooterJar(String classpath) throws IOException {
        if (classpath.contains(File.pathSeparator) || !classpath.endsWith(".jar")) {
            return classpath;
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(classpath)) {
            String manifestPath =
                    jar.getManifest() == null
                            ? null
                            : jar.getManifest().getMainAttributes().getValue("Class-Path");
            if (manifestPath == null) {
                return classpath;
            }
            return Arrays.stream(manifestPath.trim().split("\\s+"))
                    .map(
                            url ->
                                    url.startsWith("file:")
                                            ? Path.of(URI.create(url))
                                            : Path.of(classpath)
                                                    .getParent()
                                                    .resolve(
                                                            java.net.URLDecoder.decode(
                                                                    url,
                                                                    java.nio.charset
                                                                            .StandardCharsets
                                                                            .UTF_8))
                                                    .normalize())
                    .map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
        processes.clear();
    }
}
