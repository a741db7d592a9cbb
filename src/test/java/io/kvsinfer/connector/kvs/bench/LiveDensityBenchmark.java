package io.kvsinfer.connector.kvs.bench;

import io.kvsinfer.connector.kvs.source.KvsHlsSourceBuilder;
import io.kvsinfer.connector.kvs.source.VideoFrame;
import io.kvsinfer.connector.kvs.source.config.PixelFormat;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many live 720p15 cameras the source keeps up with on this machine: every frame, one frame per
 * second, and key frames only. A step runs a job with N cameras from the live edge; it fails if
 * some camera stays more than one fragment behind the live edge for the whole judged window (the
 * newest fragment it emitted frames of ended more than two fragment durations ago, at every sample;
 * see {@link LiveProbe#ages()}). The count doubles until a step fails, then a binary search narrows
 * it to within a sixteenth. The ceiling, measured in the same run, is how many such cameras FFmpeg
 * alone could decode on all cores: decode-only frames per second of the same stream (no colour
 * conversion, no Flink, no HTTP; one decoding thread per core) divided by 15. Beside it, FFmpeg
 * alone decoding and converting to BGR24, which every-frame reading must also do, shows how much of
 * the gap the conversion is; and FFmpeg alone decoding and converting as many streams as the
 * every-frame count, taking turns frame by frame, is the same work as the source's, caches
 * included. FFmpeg's speeds are measured before the ramps, right after every step, and after the
 * ramps. The targets are judged on the fastest reading beside the steps that decided a count (the
 * largest kept and the smallest failed above it): this shared machine's speed drifts by a quarter
 * within a run, and a baseline taken minutes away from the deciding steps would judge the drift
 * rather than the source. The whole-run ratios (the faster of before and after all the ramps) are
 * reported beside them. Each step also reports the share of the machine's time stolen by the
 * hypervisor, the cores other processes used, and this process's CPU in a quiet second after the
 * job ended (a leak would show there). LocalKvs's own CPU during each passing step is reported
 * separately, and at the largest every-frame step the CPU time per frame of each part of the
 * process.
 *
 * <p>Keys {@code max_live_cameras_all}, {@code max_live_cameras_1fps}, {@code
 * max_live_cameras_keyframes} (the ramp goes up to 1024), {@code max_live_cameras_all_gray8} (every
 * frame as GRAY8, no colour conversion), {@code every_frame_bgr_ratio_beside_steps} (every frame
 * against FFmpeg's decode + BGR24), {@code every_frame_gray8_ratio_beside_steps} (GRAY8 against
 * FFmpeg's decode only), {@code one_fps_to_every_frame_beside_steps}, the same three against the
 * whole run's baseline without the suffix, {@code ffmpeg_*_fps_beside_steps_*}, {@code
 * steal_share_max_*}, {@code other_processes_cores_max_*}, {@code idle_process_cores_max_*}, {@code
 * keyframes_cpu_ms_per_frame_*}, {@code decode_limit_cameras}, {@code decode_bgr_limit_cameras},
 * {@code decode_bgr_interleaved_limit_cameras}, {@code localkvs_cpu_cores_*}, {@code
 * every_frame_cpu_ms_per_frame_*}, {@code every_frame_gray8_cpu_ms_per_frame_*}, {@code
 * decode_only_cpu_ms_per_frame}, {@code decode_bgr_cpu_ms_per_frame}, and at each mode's largest
 * step the requests LocalKvs answered a second by kind ({@code playlists_per_second_*}, {@code
 * fragments_per_second_*}, {@code api_requests_per_second_*}). Quick: 2 and 4 cameras with short
 * windows, to keep the machinery working. {@code -Dbench.density.modes=all,all_gray8} runs only the
 * readings named (keys: all, 1fps, keyframes, all_gray8), to judge some again without the whole
 * ramp.
 */
@Tag("benchmark")
class LiveDensityBenchmark {

    /** Every step's job runs on it; a step starts once the job before it has ended. */
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = BenchCluster.shared();

    private static final int FPS = 15;
    private static final boolean QUICK = BenchResults.quick();
    private static final Duration WARM_UP = Duration.ofSeconds(QUICK ? 3 : 10);
    private static final Duration JUDGED = Duration.ofSeconds(QUICK ? 3 : 30);

    /** The readings to run, by key; empty for all of them. */
    private static final List<String> ONLY_MODES =
            Arrays.stream(System.getProperty("bench.density.modes", "").split(","))
                    .map(String::trim)
                    .filter(key -> !key.isEmpty())
                    .toList();

    /** The modes whose counts are judged as ratios to FFmpeg's speed, measured after each step. */
    private static final Set<String> RATIOS_AGAINST_FFMPEG = Set.of("all", "all_gray8", "1fps");

    /** One way of reading: what the source is asked for, and where its ramp starts and ends. */
    private record Mode(
            String key,
            String label,
            UnaryOperator<KvsHlsSourceBuilder<VideoFrame>> tune,
            int first,
            int cap) {}

    /**
     * A mode's ramp: its steps in order, FFmpeg's speed right before the first, and the largest
     * count kept live.
     */
    private record Ramp(List<LiveStep> steps, FfmpegAlone.Speeds start, int max) {

        /**
         * The faster of FFmpeg's readings right before and right after the steps that decided
         * {@link #max}: the largest kept and the smallest that failed above it.
         */
        FfmpegAlone.Speeds besideDecidingSteps() {
            int failedAbove =
                    steps.stream()
                            .filter(s -> !s.kept() && s.cameras() > max)
                            .mapToInt(LiveStep::cameras)
                            .min()
                            .orElse(-1);
            FfmpegAlone.Speeds beside = FfmpegAlone.Speeds.NONE;
            FfmpegAlone.Speeds before = start;
            for (LiveStep s : steps) {
                boolean deciding = s.kept() ? s.cameras() == max : s.cameras() == failedAbove;
                if (deciding) {
                    beside = beside.fasterOf(before).fasterOf(s.after());
                }
                before = s.after();
            }
            return beside;
        }
    }

    /**
     * The modes whose CPU per frame, by part, is reported at their largest step, and under which
     * keys.
     */
    private static final Map<String, String> CPU_PREFIX =
            Map.of(
                    "all",
                    "every_frame",
                    "all_gray8",
                    "every_frame_gray8",
                    "keyframes",
                    "keyframes");

    @Test
    void liveCamerasPerMachine(@TempDir Path dir) throws Exception {
        List<Mode> modes =
                List.of(
                        new Mode(
                                "all",
                                "every frame",
                                b -> b.sampleAllFrames(),
                                QUICK ? 2 : 8,
                                QUICK ? 4 : 128),
                        new Mode(
                                "1fps",
                                "1 frame per second",
                                b -> b.sampleFps(1),
                                QUICK ? 2 : 8,
                                QUICK ? 4 : 160),
                        new Mode(
                                "keyframes",
                                "key frames only",
                                b -> b.sampleKeyFramesOnly(),
                                QUICK ? 2 : 64,
                                QUICK ? 4 : 1024),
                        new Mode(
                                "all_gray8",
                                "every frame, GRAY8",
                                b -> b.sampleAllFrames().setOutputPixelFormat(PixelFormat.GRAY8),
                                QUICK ? 2 : 16,
                                QUICK ? 4 : 192));
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Map<Integer, Double>> fpsByMode = new TreeMap<>();
        Map<String, Ramp> ramps = new LinkedHashMap<>();
        BenchTable table =
                new BenchTable(
                        "Live density, 1280x720@15, 2 s fragments, parallelism 2",
                        "reading",
                        "max cameras kept live",
                        "steps (cameras: kept? worst fragment age s, LocalKvs cores; FFmpeg alone"
                                + " decode + BGR24 fps right after, steal %)");
        try (LiveRig rig = new LiveRig(1280, 720, FPS)) {
            FfmpegAlone ffmpeg =
                    new FfmpegAlone(
                            FfmpegAlone.writeFile(rig.media(), dir, QUICK ? 5 : 30),
                            QUICK ? 300 : 3000);
            FfmpegAlone.Speeds before = ffmpeg.best(3);
            FfmpegAlone.Speeds latest = before;
            for (Mode mode : modes) {
                if (!ONLY_MODES.isEmpty() && !ONLY_MODES.contains(mode.key())) {
                    continue;
                }
                Ramp ramp = ramp(rig, mode, ffmpeg, latest);
                ramps.put(mode.key(), ramp);
                FfmpegAlone.Speeds last = ramp.steps().get(ramp.steps().size() - 1).after();
                latest = last.measured() ? last : latest;
                reportLargestStep(mode, ramp, results);
                Map<Integer, Double> fps = new TreeMap<>();
                ramp.steps().stream()
                        .filter(LiveStep::kept)
                        .forEach(s -> fps.put(s.cameras(), s.fps()));
                fpsByMode.put(mode.label(), fps);
                table.row(mode.label(), ramp.max(), describe(ramp.steps()));
            }
            // FFmpeg again after the ramps, and the faster of the two: a baseline taken while
            // something else loads the shared machine would flatter every ratio.
            FfmpegAlone.Speeds after = ffmpeg.best(3);
            reportWholeRunBaseline(before, after, results, table);
            if (ramps.containsKey("all")) {
                reportInterleaved(ffmpeg, ramps.get("all").max(), results, table);
            }
        }
        reportCpuPerFrame(results, table);
        judge(ramps, results, table);
        table.note(
                "targets: every frame as BGR24 >= 0.80 x FFmpeg's decode + BGR24; as GRAY8 >= 0.80"
                    + " x FFmpeg's decode only; 1 fps >= 1.2 x every frame; key frames: the ramp"
                    + " goes past 512 cameras. Judged on FFmpeg's speed beside the steps that"
                    + " decided each count; the whole-run ratios are shown beside them");
        table.print();
        BenchResults.merge(results);
        BenchCharts.throughput(
                fpsByMode,
                "Frames out of the source at live steps that kept up",
                BenchResults.file().resolveSibling("live-density.png"));
        assertThat((int) results.getOrDefault("max_live_cameras_all", 1))
                .as("cameras kept live, every frame")
                .isPositive();
    }

    /**
     * At a mode's largest kept step: LocalKvs's cores, the requests it answered a second by kind,
     * and (for the modes in {@link #CPU_PREFIX}) the CPU a frame by part; how the machine behaved
     * during the whole ramp.
     */
    private static void reportLargestStep(Mode mode, Ramp ramp, Map<String, Object> results) {
        results.put("max_live_cameras_" + mode.key(), ramp.max());
        ramp.steps().stream()
                .filter(s -> s.cameras() == ramp.max() && s.kept())
                .findFirst()
                .ifPresent(
                        s -> {
                            results.put(
                                    "localkvs_cpu_cores_" + mode.key(), round2(s.localKvsCores()));
                            s.requestsPerSecond()
                                    .forEach(
                                            (kind, rate) ->
                                                    results.put(
                                                            kind + "_per_second_" + mode.key(),
                                                            round1(rate)));
                            String prefix = CPU_PREFIX.get(mode.key());
                            if (prefix != null) {
                                s.cpuMsPerFrame()
                                        .forEach(
                                                (part, ms) ->
                                                        results.put(
                                                                prefix
                                                                        + "_cpu_ms_per_frame_"
                                                                        + part,
                                                                round3(ms)));
                            }
                        });
        if (RATIOS_AGAINST_FFMPEG.contains(mode.key())) {
            FfmpegAlone.Speeds beside = ramp.besideDecidingSteps();
            results.put("ffmpeg_bgr_fps_beside_steps_" + mode.key(), Math.round(beside.bgr()));
            results.put(
                    "ffmpeg_decode_fps_beside_steps_" + mode.key(), Math.round(beside.decode()));
        }
        results.put(
                "steal_share_max_" + mode.key(),
                round3(ramp.steps().stream().mapToDouble(LiveStep::stealShare).max().orElse(0)));
        results.put(
                "other_processes_cores_max_" + mode.key(),
                round2(ramp.steps().stream().mapToDouble(LiveStep::otherCores).max().orElse(0)));
        results.put(
                "idle_process_cores_max_" + mode.key(),
                round2(ramp.steps().stream().mapToDouble(LiveStep::idleCores).max().orElse(0)));
    }

    /** FFmpeg's limits from the faster of its readings before and after all the ramps. */
    private static void reportWholeRunBaseline(
            FfmpegAlone.Speeds before,
            FfmpegAlone.Speeds after,
            Map<String, Object> results,
            BenchTable table) {
        FfmpegAlone.Speeds faster = before.fasterOf(after);
        double decodeFps = faster.decode();
        double bgrFps = faster.bgr();
        results.put(
                "decode_only_fps_before_after",
                Math.round(before.decode()) + " / " + Math.round(after.decode()));
        double limit = decodeFps / FPS;
        double bgrLimit = bgrFps / FPS;
        results.put("decode_only_fps_all_cores", Math.round(decodeFps));
        results.put("decode_limit_cameras", round1(limit));
        results.put("decode_bgr_limit_cameras", round1(bgrLimit));
        int cores = Runtime.getRuntime().availableProcessors();
        results.put("decode_only_cpu_ms_per_frame", round3(cores * 1000 / decodeFps));
        results.put("decode_bgr_cpu_ms_per_frame", round3(cores * 1000 / bgrFps));
        table.note(
                String.format(
                        "decode_limit_cameras = %.1f (FFmpeg alone, decode only, %d threads:"
                                + " %.0f fps / %d; the faster of before the ramps, %.0f fps,"
                                + " and after, %.0f)",
                        limit, cores, decodeFps, FPS, before.decode(), after.decode()));
        table.note(
                String.format(
                        "decode_bgr_limit_cameras = %.1f (FFmpeg alone, decode and convert to"
                                + " BGR24 as every-frame reading must)",
                        bgrLimit));
    }

    /**
     * FFmpeg alone decoding and converting as many streams as every frame kept, taking turns: the
     * same work as the source's, caches included.
     */
    private static void reportInterleaved(
            FfmpegAlone ffmpeg,
            int everyFrameCameras,
            Map<String, Object> results,
            BenchTable table)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int cameras = Math.max(2, everyFrameCameras);
        int perThread = Math.max(1, cameras / cores);
        double interleaved = 0;
        for (int round = 0; round < 2; round++) {
            interleaved = Math.max(interleaved, ffmpeg.fps(true, perThread));
        }
        double interleavedLimit = interleaved / FPS;
        results.put("decode_bgr_interleaved_limit_cameras", round1(interleavedLimit));
        results.put("decode_bgr_interleaved_streams", perThread * cores);
        table.note(
                String.format(
                        "decode_bgr_interleaved_limit_cameras = %.1f (the same with %d streams"
                                + " taking turns, as many cameras do; every frame reached %.2f of"
                                + " it)",
                        interleavedLimit, perThread * cores, cameras / interleavedLimit));
    }

    private static void reportCpuPerFrame(Map<String, Object> results, BenchTable table) {
        if (results.containsKey("every_frame_cpu_ms_per_frame_process")) {
            table.note(
                    String.format(
                            "CPU per frame at the largest every-frame step: %.3f ms in all"
                                + " (fetchers %.3f, task threads %.3f, HTTP client %.3f, LocalKvs"
                                + " %.3f, the rest: JIT, GC, Flink); FFmpeg alone: decode %.3f ms,"
                                + " decode + BGR24 %.3f ms",
                            results.get("every_frame_cpu_ms_per_frame_process"),
                            results.get("every_frame_cpu_ms_per_frame_fetchers"),
                            results.get("every_frame_cpu_ms_per_frame_task"),
                            results.get("every_frame_cpu_ms_per_frame_http_client"),
                            results.get("every_frame_cpu_ms_per_frame_localkvs"),
                            results.get("decode_only_cpu_ms_per_frame"),
                            results.get("decode_bgr_cpu_ms_per_frame")));
        }
        if (results.containsKey("every_frame_gray8_cpu_ms_per_frame_process")) {
            table.note(
                    String.format(
                            "every frame as GRAY8 (the luma plane, no colour conversion): %.3f ms"
                                    + " of CPU a frame",
                            results.get("every_frame_gray8_cpu_ms_per_frame_process")));
        }
        if (results.containsKey("keyframes_cpu_ms_per_frame_process")) {
            table.note(
                    String.format(
                            "key frames only at %d cameras: %.3f ms of CPU a key frame (fetchers"
                                    + " %.3f, task %.3f, HTTP client %.3f, LocalKvs %.3f); requests"
                                    + " a second: %.1f playlists, %.1f fragments, %.1f API calls",
                            (int) results.get("max_live_cameras_keyframes"),
                            results.get("keyframes_cpu_ms_per_frame_process"),
                            results.get("keyframes_cpu_ms_per_frame_fetchers"),
                            results.get("keyframes_cpu_ms_per_frame_task"),
                            results.get("keyframes_cpu_ms_per_frame_http_client"),
                            results.get("keyframes_cpu_ms_per_frame_localkvs"),
                            results.get("playlists_per_second_keyframes"),
                            results.get("fragments_per_second_keyframes"),
                            results.get("api_requests_per_second_keyframes")));
        }
    }

    /**
     * The targets' ratios, each two ways. Judged: against FFmpeg's speed measured right before and
     * right after the steps that decided the count (the largest kept, the smallest failed above
     * it), the fastest of those readings, so that the machine slowing down between the ramps and a
     * baseline taken long before cannot decide the ratio either way. Shown beside it: against the
     * faster of FFmpeg's readings before and after all the ramps, as earlier runs were judged.
     */
    private static void judge(
            Map<String, Ramp> ramps, Map<String, Object> results, BenchTable table) {
        Ramp all = ramps.get("all");
        if (all != null) {
            judgeEveryFrame(
                    all,
                    "every_frame_bgr_ratio",
                    "every frame as BGR24 / FFmpeg's decode + BGR24",
                    FfmpegAlone.Speeds::bgr,
                    (double) results.get("decode_bgr_limit_cameras"),
                    results,
                    table);
            int cores = Runtime.getRuntime().availableProcessors();
            results.put(
                    "decode_bgr_cpu_ms_per_frame_beside_steps",
                    round3(cores * 1000 / all.besideDecidingSteps().bgr()));
        }
        Ramp gray = ramps.get("all_gray8");
        if (gray != null) {
            judgeEveryFrame(
                    gray,
                    "every_frame_gray8_ratio",
                    "every frame as GRAY8 / FFmpeg's decode only",
                    FfmpegAlone.Speeds::decode,
                    (double) results.get("decode_limit_cameras"),
                    results,
                    table);
        }
        Ramp oneFps = ramps.get("1fps");
        if (all != null && oneFps != null && all.max() > 0) {
            double raw = oneFps.max() / (double) all.max();
            // Each count as a share of FFmpeg's speed when it was decided, so that the two ramps
            // compare as if the machine had held still.
            double beside =
                    (oneFps.max() / oneFps.besideDecidingSteps().bgr())
                            / (all.max() / all.besideDecidingSteps().bgr());
            results.put("one_fps_to_every_frame", round2(raw));
            results.put("one_fps_to_every_frame_beside_steps", round2(beside));
            table.note(
                    String.format(
                            "one_fps_to_every_frame_beside_steps = %.2f (1 fps / every frame, each"
                                    + " count over FFmpeg's speed beside its deciding steps);"
                                    + " one_fps_to_every_frame = %.2f (the counts alone)",
                            beside, raw));
        }
    }

    /**
     * One every-frame ratio, {@code key}: the ramp's count over FFmpeg's {@code speed} beside the
     * deciding steps (key with {@code _beside_steps}, judged), and over the whole run's limit.
     */
    private static void judgeEveryFrame(
            Ramp ramp,
            String key,
            String what,
            ToDoubleFunction<FfmpegAlone.Speeds> speed,
            double wholeRunLimit,
            Map<String, Object> results,
            BenchTable table) {
        double besideFps = speed.applyAsDouble(ramp.besideDecidingSteps());
        double beside = ramp.max() / (besideFps / FPS);
        double wholeRun = ramp.max() / wholeRunLimit;
        results.put(key, round2(wholeRun));
        results.put(key + "_beside_steps", round2(beside));
        table.note(
                String.format(
                        "%s_beside_steps = %.2f (%s beside the deciding steps, %.0f fps); %s ="
                                + " %.2f (whole run)",
                        key, beside, what, besideFps, key, wholeRun));
    }

    /**
     * Doubles the camera count until a step fails, then bisects to the largest count kept live.
     * {@code start} is FFmpeg's speed right before the first step.
     */
    private static Ramp ramp(LiveRig rig, Mode mode, FfmpegAlone ffmpeg, FfmpegAlone.Speeds start)
            throws Exception {
        // Key frames are judged by their count alone: no FFmpeg reading after their steps.
        FfmpegAlone baseline = RATIOS_AGAINST_FFMPEG.contains(mode.key()) ? ffmpeg : null;
        List<LiveStep> steps = new ArrayList<>();
        int kept = 0;
        int failed = Integer.MAX_VALUE;
        int n = mode.first();
        while (n <= mode.cap()) {
            LiveStep step = LiveStep.run(rig, mode.tune(), n, baseline, WARM_UP, JUDGED);
            steps.add(step);
            if (!step.kept()) {
                failed = n;
                break;
            }
            kept = n;
            n *= 2;
        }
        while (failed != Integer.MAX_VALUE && failed - kept > Math.max(1, kept / 16)) {
            int middle = (kept + failed) / 2;
            LiveStep step = LiveStep.run(rig, mode.tune(), middle, baseline, WARM_UP, JUDGED);
            steps.add(step);
            if (step.kept()) {
                kept = middle;
            } else {
                failed = middle;
            }
        }
        return new Ramp(steps, start, kept);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static String describe(List<LiveStep> steps) {
        List<String> parts = new ArrayList<>();
        for (LiveStep s : steps) {
            parts.add(
                    String.format(
                            "%d: %s %.1f s %.2f; %s, %.0f%%",
                            s.cameras(),
                            s.kept() ? "yes" : "no",
                            s.worstAgeMillis() / 1000.0,
                            s.localKvsCores(),
                            s.after().measured() ? String.format("%.0f", s.after().bgr()) : "-",
                            s.stealShare() * 100));
        }
        return String.join("; ", parts);
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
