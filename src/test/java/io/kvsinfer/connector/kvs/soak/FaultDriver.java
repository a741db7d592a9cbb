package io.kvsinfer.connector.kvs.soak;

import io.kvsinfer.connector.kvs.localkvs.Corruption;
import io.kvsinfer.connector.kvs.localkvs.FaultInjector;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LiveProducer;

import org.apache.flink.runtime.minicluster.MiniCluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Injects the faults of a {@link FaultSchedule} into LocalKvs, its producers and the MiniCluster.
 */
final class FaultDriver implements AutoCloseable {

    /** One injected fault, as the report lists it. */
    record Injected(Duration at, SoakFault fault, String detail, KvsOperation op) {}

    private static final List<KvsOperation> CONTROL_PLANE =
            List.of(KvsOperation.GET_DATA_ENDPOINT, KvsOperation.GET_HLS_STREAMING_SESSION_URL);
    private static final List<KvsOperation> HLS =
            List.of(
                    KvsOperation.GET_HLS_MASTER_PLAYLIST, KvsOperation.GET_HLS_MEDIA_PLAYLIST,
                    KvsOperation.GET_MP4_INIT_FRAGMENT, KvsOperation.GET_MP4_MEDIA_FRAGMENT);

    private final Random random;
    private final FaultInjector faults;
    private final Map<String, LiveProducer> producers;
    private final MiniCluster miniCluster;
    private final Deque<Integer> runningTaskManagers = new ArrayDeque<>(List.of(0));
    private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor();
    private final List<Injected> injected = new ArrayList<>();
    private int taskManagersStarted = 1;

    FaultDriver(
            long seed,
            FaultInjector faults,
            Map<String, LiveProducer> producers,
            MiniCluster miniCluster) {
        this.random = new Random(seed);
        this.faults = faults;
        this.producers = producers;
        this.miniCluster = miniCluster;
    }

    Injected inject(Duration at, SoakFault fault) throws Exception {
        Injected done =
                switch (fault) {
                    case SESSION_EXPIRY -> {
                        faults.expireAllSessions();
                        yield new Injected(at, fault, "all sessions", null);
                    }
                    case SERVER_ERROR -> fail(at, fault, 500, "InternalFailure");
                    case THROTTLING -> fail(at, fault, 400, "ClientLimitExceededException");
                    case CONNECTION_RESET -> {
                        KvsOperation op = pick(HLS);
                        faults.resetNext(op, 1);
                        yield new Injected(at, fault, op.name(), op);
                    }
                    case SLOW_ANSWER -> {
                        KvsOperation op = pick(HLS);
                        Duration delay = Duration.ofMillis(1000 + random.nextInt(4000));
                        faults.delay(op, delay, 1);
                        yield new Injected(
                                at, fault, op.name() + " by " + delay.toMillis() + " ms", op);
                    }
                    case CORRUPT_FRAGMENT -> {
                        Corruption corruption =
                                random.nextBoolean() ? Corruption.TRUNCATE : Corruption.GARBAGE;
                        faults.corruptNext(1, corruption);
                        yield new Injected(
                                at, fault, corruption.name(), KvsOperation.GET_MP4_MEDIA_FRAGMENT);
                    }
                    case PRODUCER_PAUSE -> {
                        String camera = pick(List.copyOf(producers.keySet()));
                        long pauseMillis = 3000 + random.nextInt(7000);
                        LiveProducer producer = producers.get(camera);
                        producer.pause();
                        resumer.schedule(producer::resume, pauseMillis, TimeUnit.MILLISECONDS);
                        yield new Injected(at, fault, camera + " for " + pauseMillis + " ms", null);
                    }
                    case TASK_MANAGER_FAILOVER -> {
                        int victim = runningTaskManagers.removeFirst();
                        miniCluster.terminateTaskManager(victim).get();
                        miniCluster.startTaskManager();
                        runningTaskManagers.addLast(taskManagersStarted++);
                        yield new Injected(
                                at, fault, "TaskManager " + victim + " terminated", null);
                    }
                };
        injected.add(done);
        return done;
    }

    private Injected fail(Duration at, SoakFault fault, int status, String code) {
        // Control-plane calls go through the AWS SDK, which retries 5xx and throttling itself;
        // HLS requests go through the source's own client and count as read errors.
        KvsOperation op = random.nextInt(4) == 0 ? pick(CONTROL_PLANE) : pick(HLS);
        faults.failNext(op, 1, status, code);
        return new Injected(at, fault, op.name() + " " + status + " " + code, op);
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    List<Injected> injected() {
        return List.copyOf(injected);
    }

    long count(SoakFault fault) {
        return injected.stream().filter(i -> i.fault() == fault).count();
    }

    /** Faults that went to HLS requests of the source's own client (not retried inside the SDK). */
    long hlsRequestFaults() {
        return injected.stream()
                .filter(
                        i ->
                                i.fault() == SoakFault.SERVER_ERROR
                                        || i.fault() == SoakFault.THROTTLING
                                        || i.fault() == SoakFault.CONNECTION_RESET)
                .filter(i -> HLS.contains(i.op()))
                .count();
    }

    @Override
    public void close() {
        resumer.shutdownNow();
        producers.values().forEach(LiveProducer::resume);
    }
}
