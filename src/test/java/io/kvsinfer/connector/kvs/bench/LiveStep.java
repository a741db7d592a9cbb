package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.core.execution.JobClient;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static io.kvsinfer.connector.kvs.bench.ThreadCpuMeter.LOCALKVS_THREADS;

/**
 * One step of a live density benchmark: a job reading N live cameras from the live edge, judged on
 * whether every camera keeps up. It fails if some camera stays more than one fragment behind the
 * live edge for the whole judged window (the newest fragment it emitted frames of ended more than
 * two fragment durations ago, at every sample; see {@link LiveProbe#ages()}).
 *
 * <p>{@code cpuMsPerFrame} is CPU time per frame out, by part (see {@link #PARTS}). {@code after}
 * is FFmpeg alone's speed measured right after the job ended; {@code stealShare} and {@code
 * otherCores} say how much of the machine others took during the judged window, {@code idleCores}
 * how busy this process stayed once the job was gone.
 */
record LiveStep(
        int cameras,
        boolean kept,
        long worstAgeMillis,
        double fps,
        Map<String, Double> cpuMsPerFrame,
        Map<String, Double> requestsPerSecond,
        FfmpegAlone.Speeds after,
        double stealShare,
        double otherCores,
        double idleCores) {

    /**
     * Where the CPU goes, by thread name: the cameras' fetcher threads (HLS, decoding, colour
     * conversion), the task threads (the copy into the frame's array, Flink), the HTTP client's
     * threads, LocalKvs. "process" is all of this JVM, the JIT compiler and the collector included.
     */
    private static final Map<String, Predicate<String>> PARTS = partsByThreadName();

    /** Cores LocalKvs used during the step. */
    double localKvsCores() {
        return cpuMsPerFrame.get("localkvs") * fps / 1000;
    }

    /**
     * Runs {@code cameras} cameras of {@code rig} read as {@code tune} says, with parallelism 2,
     * for {@code warmUp} and then the {@code judged} window; then FFmpeg alone's speed, unless
     * {@code ffmpeg} is null (then {@code after} is {@link FfmpegAlone.Speeds#NONE}).
     */
    static LiveStep run(
            LiveRig rig,
            UnaryOperator<KvsHlsSourceBuilder<VideoFrame>> tune,
            int cameras,
            @Nullable FfmpegAlone ffmpeg,
            Duration warmUp,
            Duration judged)
            throws Exception {
        List<String> names = rig.cameras(cameras);
        long behindMillis = 2 * rig.fragmentMillis();
        JobClient job = rig.start(names, 2, tune);
        boolean kept;
        long worst = 0;
        double seconds;
        long frames;
        Map<String, Double> msPerFrame = new LinkedHashMap<>();
        Map<String, Double> requestRates = new LinkedHashMap<>();
        MachineCpu machineBefore;
        MachineCpu machineAfter;
        try (ThreadCpuMeter threads = new ThreadCpuMeter(n -> true, Duration.ofMillis(500))) {
            Thread.sleep(warmUp.toMillis());
            Map<String, Long> cpuBefore = cpuByPart(threads);
            Map<String, Long> requestsBefore = requestsByKind(rig.kvs());
            long framesBefore = LiveProbe.frames();
            machineBefore = MachineCpu.now();
            long started = System.nanoTime();
            Map<String, Boolean> alwaysBehind = new TreeMap<>();
            names.forEach(c -> alwaysBehind.put(c, true));
            while (System.nanoTime() - started < judged.toNanos()) {
                Thread.sleep(500);
                Map<String, Long> ages = LiveProbe.ages();
                for (String camera : names) {
                    long age = ages.getOrDefault(camera, Long.MAX_VALUE);
                    worst = Math.max(worst, age == Long.MAX_VALUE ? 0 : age);
                    if (age <= behindMillis) {
                        alwaysBehind.put(camera, false);
                    }
                }
            }
            machineAfter = MachineCpu.now();
            seconds = (System.nanoTime() - started) / 1e9;
            frames = Math.max(1, LiveProbe.frames() - framesBefore);
            long judgedFrames = frames;
            cpuByPart(threads)
                    .forEach(
                            (part, nanos) ->
                                    msPerFrame.put(
                                            part,
                                            (nanos - cpuBefore.get(part)) / 1e6 / judgedFrames));
            double judgedSeconds = seconds;
            requestsByKind(rig.kvs())
                    .forEach(
                            (kind, count) ->
                                    requestRates.put(
                                            kind,
                                            (count - requestsBefore.get(kind)) / judgedSeconds));
            kept = !alwaysBehind.containsValue(true);
        } finally {
            job.cancel().get();
            while (!job.getJobStatus().get().isGloballyTerminalState()) {
                Thread.sleep(50);
            }
        }
        // A job that is gone must leave nothing running: this process's CPU in a quiet second
        // after it shows a leak, which would also slow every later step and FFmpeg's readings.
        Thread.sleep(500);
        MachineCpu quietFrom = MachineCpu.now();
        Thread.sleep(1000);
        double idleCores = MachineCpu.now().processCoresSince(quietFrom);
        return new LiveStep(
                cameras,
                kept,
                worst,
                frames / seconds,
                msPerFrame,
                requestRates,
                ffmpeg == null ? FfmpegAlone.Speeds.NONE : ffmpeg.best(3),
                machineAfter.stealShareSince(machineBefore),
                machineAfter.otherCoresSince(machineBefore),
                idleCores);
    }

    private static Map<String, Predicate<String>> partsByThreadName() {
        Map<String, Predicate<String>> parts = new LinkedHashMap<>();
        parts.put("fetchers", n -> n.startsWith("Source Data Fetcher"));
        parts.put("task", n -> n.startsWith("Source: live"));
        parts.put("http_client", n -> n.startsWith("kvs-hls-fetch-"));
        parts.put("localkvs", LOCALKVS_THREADS);
        return parts;
    }

    private static Map<String, Long> cpuByPart(ThreadCpuMeter threads) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        PARTS.forEach((part, names) -> nanos.put(part, threads.totalNanos(names)));
        nanos.put("process", ThreadCpuMeter.processCpuNanos());
        return nanos;
    }

    /**
     * Requests LocalKvs has answered so far, by kind: HLS playlists (master and media), media
     * fragments (and init segments), and the rest of the API (sessions, descriptions, listings).
     */
    private static Map<String, Long> requestsByKind(LocalKvs kvs) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("playlists", 0L);
        counts.put("fragments", 0L);
        counts.put("api_requests", 0L);
        for (KvsOperation op : KvsOperation.values()) {
            String kind =
                    switch (op) {
                        case GET_HLS_MASTER_PLAYLIST, GET_HLS_MEDIA_PLAYLIST -> "playlists";
                        case GET_MP4_INIT_FRAGMENT, GET_MP4_MEDIA_FRAGMENT, GET_TS_FRAGMENT ->
                                "fragments";
                        default -> "api_requests";
                    };
            counts.merge(kind, kvs.requestCount(op), Long::sum);
        }
        return counts;
    }
}
