package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.hls.ControlPlaneClients;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.LocalKvs;
import io.kvsinfer.connector.kvs.testing.LocalKvsExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kinesisvideo.model.NotAuthorizedException;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery against LocalKvs with AWS's control-plane quotas enforced: ListStreams 50 per second
 * per account, ListTagsForStream 50 per second per account and 5 per stream. LocalKvs and the
 * discovery share one clock that the discovery's waits move forward, so a round that takes 12 s of
 * quota time runs in a few seconds and every quota window is counted exactly.
 */
class KvsStreamDiscoveryTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final int TAGGED = 500;
    private static final int OTHERS = 100;

    private final SteppedClock clock = new SteppedClock(NOW);

    @RegisterExtension
    final LocalKvsExtension localKvs =
            LocalKvsExtension.with(b -> b.clock(clock).enforceQuotas(true));

    private LocalKvs kvs;
    private final List<String> expected = new ArrayList<>();

    /**
     * 500 streams tagged site=lobby, 50 tagged site=dock and 50 untagged under the prefix, and 20
     * lobby streams under another prefix.
     */
    @BeforeEach
    void createStreams() {
        kvs = localKvs.kvs();
        for (int i = 0; i < TAGGED + OTHERS; i++) {
            String name = String.format("cam-%03d", i);
            if (i % 6 == 5) {
                kvs.createStream(name, i % 12 == 5 ? Map.of("site", "dock") : Map.of());
            } else {
                kvs.createStream(name, Map.of("site", "lobby"));
                expected.add(name);
            }
        }
        for (int i = 0; i < 20; i++) {
            kvs.createStream("other-" + i, Map.of("site", "lobby"));
        }
        assertThat(expected).hasSize(TAGGED);
    }

    private KvsStreamDiscovery discovery(DiscoveryLimits limits, CallPacer.Clock pacing) {
        return new KvsStreamDiscovery(
                ControlPlaneClients.create(
                        "us-east-1",
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                        Optional.of(kvs.endpoint()),
                        Duration.ofSeconds(30)),
                "cam-",
                Map.of("site", "lobby"),
                null,
                limits,
                pacing,
                new SplittableRandom(18));
    }

    private static List<String> names(DiscoveryRound round) {
        return round.matches().stream().map(DiscoveredStream::streamName).toList();
    }

    @Test
    void fiveHundredTaggedStreamsAreFoundPacedExactlyAtTheQuotasWithoutAThrottle()
            throws Exception {
        // No retries: pacing alone must keep every call under the quotas.
        try (KvsStreamDiscovery discovery = discovery(new DiscoveryLimits(50, 50, 0), clock)) {
            long wallStart = System.nanoTime();
            DiscoveryRound round = discovery.discover();
            long wallMillis = (System.nanoTime() - wallStart) / 1_000_000L;

            assertThat(round.isComplete()).isTrue();
            assertThat(names(round)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(kvs.requestCount(KvsOperation.LIST_STREAMS)).isEqualTo(1);
            assertThat(kvs.requestCount(KvsOperation.LIST_TAGS_FOR_STREAM))
                    .isEqualTo(TAGGED + OTHERS);
            // 600 tag calls at 50 per second: the round spans 12 s of quota time.
            assertThat(clock.sleptMillis()).isBetween(11_900L, 12_100L);
            System.out.printf(
                    "500-stream discovery at 50/s: %d ms of quota time, %d ms wall%n",
                    clock.sleptMillis(), wallMillis);
        }
    }

    @Test
    void throttlesInTheMiddleOfARoundAreRetriedAndTheRoundCompletes() throws Exception {
        // Paced at 200 per second, four times the quota: LocalKvs throttles after the first 50
        // calls of every second, and the retries carry each stream over into a later second.
        kvs.faults().failNext(KvsOperation.LIST_STREAMS, 2, 400, "ClientLimitExceededException");
        try (KvsStreamDiscovery discovery = discovery(new DiscoveryLimits(50, 200, 5), clock)) {
            DiscoveryRound round = discovery.discover();

            assertThat(round.isComplete()).isTrue();
            assertThat(names(round)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(kvs.requestCount(KvsOperation.LIST_STREAMS)).isEqualTo(3);
            long tagCalls = kvs.requestCount(KvsOperation.LIST_TAGS_FOR_STREAM);
            assertThat(tagCalls).isGreaterThan(TAGGED + OTHERS);
            System.out.printf(
                    "At 200/s: %d throttled tag calls retried, %d ms of quota time%n",
                    tagCalls - (TAGGED + OTHERS), clock.sleptMillis());
        }
    }

    @Test
    void aRoundStillThrottledAfterItsRetriesKeepsWhatItLearned() throws Exception {
        // Far above the quota and no retries: the 51st tag call of the first second is refused.
        try (KvsStreamDiscovery discovery = discovery(new DiscoveryLimits(50, 1000, 0), clock)) {
            DiscoveryRound round = discovery.discover();

            assertThat(round.isComplete()).isFalse();
            // cam-000 to cam-049 were decided; cam-050 was refused and the rest not asked.
            List<String> firstFifty =
                    expected.stream().filter(n -> n.compareTo("cam-050") < 0).toList();
            assertThat(names(round)).containsExactlyElementsOf(firstFifty);
            assertThat(round.undecidedCount()).isEqualTo(TAGGED + OTHERS - 50);
            assertThat(round.mayStillMatch("cam-005")).as("decided: tagged site=dock").isFalse();
            assertThat(round.mayStillMatch("cam-050")).isTrue();
            assertThat(round.mayStillMatch("cam-599")).isTrue();
            assertThat(kvs.requestCount(KvsOperation.LIST_TAGS_FOR_STREAM)).isEqualTo(51);

            // The next second, the next round reads first the streams this one could not:
            // cam-050 to cam-099 now, and cam-000 to cam-049 are the ones left undecided.
            clock.sleepNanos(1_000_000_000L);
            DiscoveryRound next = discovery.discover();
            assertThat(next.isComplete()).isFalse();
            assertThat(names(next))
                    .containsExactlyElementsOf(
                            expected.stream()
                                    .filter(n -> n.compareTo("cam-050") >= 0)
                                    .filter(n -> n.compareTo("cam-100") < 0)
                                    .toList());
            assertThat(next.mayStillMatch("cam-000")).isTrue();
            assertThat(next.mayStillMatch("cam-059")).as("decided: untagged").isFalse();
        }
    }

    /** Deleted between ListStreams and its tags, or its tags denied: not a camera, not retried. */
    @ParameterizedTest
    @CsvSource({"404, ResourceNotFoundException", "401, NotAuthorizedException"})
    void aStreamWhoseTagsCannotBeReadIsNotACameraAndTheOthersAre(int status, String error)
            throws Exception {
        kvs.faults().failNext(KvsOperation.LIST_TAGS_FOR_STREAM, 1, status, error);
        try (KvsStreamDiscovery discovery = discovery(new DiscoveryLimits(50, 50, 5), clock)) {
            DiscoveryRound round = discovery.discover();

            assertThat(round.isComplete()).isTrue();
            assertThat(names(round))
                    .containsExactlyInAnyOrderElementsOf(expected.subList(1, expected.size()));
            assertThat(kvs.requestCount(KvsOperation.LIST_TAGS_FOR_STREAM))
                    .isEqualTo(TAGGED + OTHERS);
        }
    }

    @Test
    void tagsDeniedForEveryStreamFailTheRound() {
        kvs.faults()
                .failNext(
                        KvsOperation.LIST_TAGS_FOR_STREAM,
                        TAGGED + OTHERS,
                        401,
                        "NotAuthorizedException");
        try (KvsStreamDiscovery discovery = discovery(new DiscoveryLimits(50, 50, 5), clock)) {
            assertThatThrownBy(discovery::discover).isInstanceOf(NotAuthorizedException.class);
            assertThat(kvs.requestCount(KvsOperation.LIST_TAGS_FOR_STREAM))
                    .isEqualTo(TAGGED + OTHERS);
        }
    }

    @Test
    void aMissingPermissionIsNotRetriedAndFailsTheRound() {
        kvs.faults().failNext(KvsOperation.LIST_STREAMS, 1, 401, "NotAuthorizedException");
        try (KvsStreamDiscovery discovery = discovery(new DiscoveryLimits(50, 50, 5), clock)) {
            assertThatThrownBy(discovery::discover).isInstanceOf(NotAuthorizedException.class);
            assertThat(kvs.requestCount(KvsOperation.LIST_STREAMS)).isEqualTo(1);
        }
    }

    @Test
    void fiveHundredTaggedStreamsUnderRealTimeQuotasPacedAtTheQuota() throws Exception {
        // On the system clock a request reaches LocalKvs a little after the pacer let it go, so
        // paced at the quota itself a second can now and then see one call too many: the retries
        // absorb that. (At the default 25 per second the same round takes about 20 s.)
        try (LocalKvs realTime = LocalKvs.builder().enforceQuotas(true).build().start()) {
            for (int i = 0; i < TAGGED; i++) {
                realTime.createStream(String.format("cam-%03d", i), Map.of("site", "lobby"));
            }
            kvs = realTime;
            try (KvsStreamDiscovery discovery =
                    discovery(new DiscoveryLimits(50, 50, 5), CallPacer.Clock.SYSTEM)) {
                long start = System.nanoTime();
                DiscoveryRound round = discovery.discover();
                long millis = (System.nanoTime() - start) / 1_000_000L;

                assertThat(round.isComplete()).isTrue();
                assertThat(round.matches()).hasSize(TAGGED);
                assertThat(millis).isGreaterThanOrEqualTo(9_900L);
                System.out.printf(
                        "500-stream discovery at 50/s, real time: %d ms, %d tag calls retried%n",
                        millis, realTime.requestCount(KvsOperation.LIST_TAGS_FOR_STREAM) - TAGGED);
            }
        }
    }

    /**
     * One clock for LocalKvs's quota windows and for the discovery's pacing and backoff: waiting
     * moves it forward at once.
     */
    private static final class SteppedClock implements InstantSource, CallPacer.Clock {
        private final AtomicLong nanos;
        private final AtomicLong slept = new AtomicLong();

        SteppedClock(long startMillis) {
            this.nanos = new AtomicLong(startMillis * 1_000_000L);
        }

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public void sleepNanos(long duration) {
            nanos.addAndGet(duration);
            slept.addAndGet(duration);
        }

        long sleptMillis() {
            return slept.get() / 1_000_000L;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return Math.floorDiv(nanos.get(), 1_000_000L);
        }
    }
}
