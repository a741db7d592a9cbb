package io.kvsinfer.connector.kvs.localkvs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Live and archived producers, and the retention-bounded fragment store behind them. */
class LocalKvsProducerTest {

    private static final long NOW = 1_700_000_000_000L;

    private ManualClock clock;
    private LocalKvs localKvs;

    @BeforeEach
    void start() {
        clock = new ManualClock(NOW);
        localKvs =
                LocalKvs.builder()
                        .clock(clock)
                        .retention(Duration.ofHours(1))
                        .maxFragmentsPerStream(1000)
                        .build();
    }

    @AfterEach
    void stop() {
        localKvs.close();
    }

    @Test
    void liveFragmentsAreBackToBackAndVisibleWhenComplete() {
        LocalKvsStream stream = localKvs.createStream("live");
        stream.startLive(new TestMedia("L", 4, 2000));
        clock.advance(Duration.ofMillis(1999));
        assertThat(stream.fragments()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(stream.fragments()).hasSize(1);
        clock.advance(Duration.ofSeconds(18));
        List<FragmentRecord> records = stream.fragments();
        assertThat(records).hasSize(10);
        for (int k = 0; k < records.size(); k++) {
            FragmentRecord r = records.get(k);
            assertThat(r.sequence()).isEqualTo(k);
            assertThat(r.producerMillis()).isEqualTo(NOW + 2000L * k);
            assertThat(r.serverMillis()).isEqualTo(r.producerMillis() + 100);
            assertThat(r.durationMillis()).isEqualTo(2000);
            assertThat(r.mediaIndex()).isEqualTo(k % 4);
            assertThat(r.frameCount()).isEqualTo(30);
            assertThat(r.firstFrameIndex()).isEqualTo(30L * k);
            assertThat(r.initId()).isEqualTo(records.get(0).initId());
        }
    }

    @Test
    void pauseLeavesAGapAndDropsTheFragmentInProgress() {
        LocalKvsStream stream = localKvs.createStream("pause");
        LiveProducer producer = stream.startLive(new TestMedia("P", 4, 2000));
        clock.advance(Duration.ofMillis(5000)); // two complete, one in progress
        producer.pause();
        clock.advance(Duration.ofSeconds(60));
        assertThat(stream.fragments()).hasSize(2);
        producer.resume();
        long resumedAt = clock.millis();
        clock.advance(Duration.ofSeconds(4));
        List<FragmentRecord> records = stream.fragments();
        assertThat(records).hasSize(4);
        assertThat(records.get(2).producerMillis()).isEqualTo(resumedAt);
        assertThat(records.get(2).mediaIndex()).isEqualTo(2);
        assertThat(records.get(2).firstFrameIndex()).isEqualTo(60);
    }

    @Test
    void switchMediaStartsANewInitSegment() {
        LocalKvsStream stream = localKvs.createStream("switch");
        LiveProducer producer = stream.startLive(new TestMedia("A", 4, 2000));
        clock.advance(Duration.ofSeconds(6));
        producer.switchMedia(new TestMedia("B", 2, 1000, "V_MPEG/ISO/HEVC", 1920, 1080));
        clock.advance(Duration.ofSeconds(3));
        List<FragmentRecord> records = stream.fragments();
        assertThat(records).hasSize(6);
        assertThat(records.get(3).initId()).isNotEqualTo(records.get(2).initId());
        assertThat(records.get(3).mediaIndex()).isZero();
        assertThat(records.get(3).producerMillis()).isEqualTo(records.get(2).producerEndMillis());
        assertThat(records.subList(3, 6))
                .extracting(FragmentRecord::durationMillis)
                .containsOnly(1000L);
    }

    @Test
    void stopEndsTheProducerAndAllowsANewOne() {
        LocalKvsStream stream = localKvs.createStream("stop");
        LiveProducer producer = stream.startLive(new TestMedia("S", 4, 2000));
        assertThatThrownBy(() -> stream.startLive(new TestMedia("S", 4, 2000)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stop");
        clock.advance(Duration.ofSeconds(4));
        producer.stop();
        clock.advance(Duration.ofSeconds(10));
        assertThat(stream.fragments()).hasSize(2);
        stream.startLive(new TestMedia("S2", 4, 2000));
        clock.advance(Duration.ofSeconds(2));
        assertThat(stream.fragments()).hasSize(3);
    }

    @Test
    void appendArchivedIsContiguousInLoopOrder() {
        LocalKvsStream stream = localKvs.createStream("archive");
        List<FragmentRecord> added =
                stream.appendArchived(new TestMedia("H", 3, 1500), NOW - 60_000, 7);
        assertThat(added)
                .extracting(FragmentRecord::mediaIndex)
                .containsExactly(0, 1, 2, 0, 1, 2, 0);
        for (int k = 0; k < added.size(); k++) {
            assertThat(added.get(k).producerMillis()).isEqualTo(NOW - 60_000 + 1500L * k);
        }
        assertThat(stream.fragments()).isEqualTo(added);
    }

    @Test
    void retentionEvictsByAgeAndByCount() {
        LocalKvsStream stream = localKvs.createStream("retention");
        stream.appendArchived(
                new TestMedia("R", 3, 2000), NOW - 7_200_000, 3600); // two hours of history
        List<FragmentRecord> kept = stream.fragments();
        assertThat(kept).hasSizeLessThanOrEqualTo(1000);
        assertThat(kept.get(0).serverEndMillis()).isGreaterThanOrEqualTo(NOW - 3_600_000);
        assertThat(kept.get(kept.size() - 1).sequence()).isEqualTo(3599);

        clock.advance(Duration.ofHours(2));
        assertThat(stream.fragments()).isEmpty();
    }

    @Test
    void aLongClockJumpCostsNoMoreThanRetention() {
        LocalKvsStream stream = localKvs.createStream("jump");
        stream.startLive(new TestMedia("J", 3, 2000));
        clock.advance(Duration.ofDays(30));
        long started = System.nanoTime();
        List<FragmentRecord> records = stream.fragments();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(records).hasSize(1000);
        assertThat(records.get(records.size() - 1).producerEndMillis())
                .isGreaterThan(clock.millis() - 2000);
    }

    @Test
    void liveCamerasRunOnTheRealClock() throws Exception {
        try (LocalKvs real = LocalKvs.builder().build().start()) {
            List<LocalKvsStream> streams = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                LocalKvsStream s = real.createStream("cam-" + i);
                s.startLive(new TestMedia("c" + i, 3, 100));
                streams.add(s);
            }
            Thread.sleep(650);
            for (LocalKvsStream s : streams) {
                List<FragmentRecord> records = s.fragments();
                assertThat(records).hasSizeBetween(5, 8);
                assertThat(records.get(records.size() - 1).producerEndMillis())
                        .isBetween(System.currentTimeMillis() - 500, System.currentTimeMillis());
            }
        }
    }

    @Test
    void deletingAStreamStopsItsProducer() {
        LocalKvsStream stream = localKvs.createStream("del");
        stream.startLive(new TestMedia("D", 3, 2000));
        localKvs.deleteStream("del");
        assertThat(stream.isDeleted()).isTrue();
        assertThatThrownBy(() -> localKvs.stream("del"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("del");
        assertThatThrownBy(() -> stream.startLive(new TestMedia("D", 3, 2000)))
                .isInstanceOf(IllegalStateException.class);
        localKvs.createStream("del");
        assertThat(localKvs.stream("del").fragments()).isEmpty();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> localKvs.createStream("bad name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad name");
        localKvs.createStream("dup", Map.of());
        assertThatThrownBy(() -> localKvs.createStream("dup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(
                        () ->
                                localKvs.stream("dup")
                                        .appendArchived(new TestMedia("x", 1, 1000), NOW, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
        assertThatThrownBy(() -> LocalKvs.builder().port(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> LocalKvs.builder().retention(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalKvs.builder().region("mars"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> localKvs.endpoint()).isInstanceOf(IllegalStateException.class);
    }
}
