package io.kvsinfer.connector.kvs.source.reader;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodeSlotsTest {

    @Test
    void aCameraWaitsWhileEverySlotIsHeldAndGetsTheFirstOneReleased() throws Exception {
        DecodeSlots slots = new DecodeSlots(2);
        DecodeSlots.Holder a = slots.holder();
        DecodeSlots.Holder b = slots.holder();
        DecodeSlots.Holder c = slots.holder();
        assertThat(a.acquire(0)).isTrue();
        assertThat(a.acquire(0)).as("a holder holds one slot, however often it asks").isTrue();
        assertThat(b.acquire(0)).isTrue();
        assertThat(slots.available()).isZero();
        assertThat(c.acquire(20)).as("both slots held").isFalse();
        assertThat(c.isHolding()).isFalse();

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> c.acquire(10_000));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        a.release();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.isHolding()).isTrue();
        assertThat(slots.available()).isZero();

        a.release();
        assertThat(slots.available()).as("releasing a slot not held changes nothing").isZero();
        b.release();
        c.release();
        assertThat(slots.available()).isEqualTo(2);
    }

    @Test
    void aCameraWhoseWaitEndedKeepsItsPlaceAndAFreedSlotGoesToTheHeadOfTheLine() {
        DecodeSlots slots = new DecodeSlots(1);
        DecodeSlots.Holder a = slots.holder();
        DecodeSlots.Holder b = slots.holder();
        DecodeSlots.Holder c = slots.holder();
        assertThat(a.acquire(0)).isTrue();
        assertThat(b.acquire(10)).as("b's wait ends before its turn").isFalse();
        assertThat(c.acquire(10)).isFalse();
        assertThat(b.acquire(10)).as("asking again does not move b behind c").isFalse();
        assertThat(slots.waiting()).isEqualTo(2);

        a.release();
        assertThat(b.isHolding()).as("the slot went to the head of the line").isTrue();
        assertThat(c.isHolding()).isFalse();
        assertThat(slots.available()).isZero();
        assertThat(a.acquire(0)).as("a joins the line behind c").isFalse();

        b.close();
        assertThat(c.isHolding()).isTrue();
        assertThat(c.acquire(0)).isTrue();
        c.release();
        assertThat(a.isHolding()).isTrue();
        a.release();
        assertThat(slots.available()).isEqualTo(1);
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void aWakeUpEndsTheWaitAtOnceAndTheCameraStaysInLine() throws Exception {
        DecodeSlots slots = new DecodeSlots(1);
        DecodeSlots.Holder a = slots.holder();
        DecodeSlots.Holder b = slots.holder();
        a.acquire(0);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> b.acquire(60_000));
        while (!b.isWaiting()) {
            Thread.sleep(1);
        }
        b.wakeUp();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(b.isWaiting()).isTrue();

        b.wakeUp();
        long started = System.nanoTime();
        assertThat(b.acquire(60_000)).as("a wake-up before the wait is not lost").isFalse();
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(10));

        b.release();
        assertThat(b.isWaiting()).as("releasing leaves the line").isFalse();
        a.release();
        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void everyCoreIsDecodingOnceHeldSlotsAreAsManyAsTheCores() {
        DecodeSlots slots = new DecodeSlots(3, 2);
        DecodeSlots.Holder a = slots.holder();
        DecodeSlots.Holder b = slots.holder();
        assertThat(a.everyCoreDecoding()).as("no slot held").isFalse();
        a.acquire(0);
        assertThat(a.everyCoreDecoding()).as("one of two cores decoding").isFalse();
        b.acquire(0);
        assertThat(a.everyCoreDecoding()).isTrue();
        assertThat(b.everyCoreDecoding()).isTrue();
        b.release();
        assertThat(a.everyCoreDecoding()).isFalse();
        a.release();

        DecodeSlots fewerSlotsThanCores = new DecodeSlots(1, 2);
        DecodeSlots.Holder lone = fewerSlotsThanCores.holder();
        lone.acquire(0);
        assertThat(lone.everyCoreDecoding())
                .as("a slot per process on two cores leaves a core to copy")
                .isFalse();
    }

    @Test
    void aRunIsOverAfterItsTimeSoOthersGetATurn() throws Exception {
        DecodeSlots.Holder holder = new DecodeSlots(1).holder();
        assertThat(holder.runIsOver()).as("nothing held").isFalse();
        holder.acquire(0);
        assertThat(holder.runIsOver()).isFalse();
        Thread.sleep(DecodeSlots.MAX_RUN_MILLIS + 20);
        assertThat(holder.runIsOver()).isTrue();
        holder.release();
        assertThat(holder.runIsOver()).isFalse();
    }

    @Test
    void aCameraAwayWithItsSlotLongerThanAHandOverTakesLosesItToTheHeadOfTheLine()
            throws Exception {
        DecodeSlots slots = new DecodeSlots(1);
        DecodeSlots.Holder away = slots.holder();
        DecodeSlots.Holder waiter = slots.holder();
        assertThat(away.acquire(0)).isTrue();
        away.stepAway();
        assertThat(away.stepBack()).as("back at once, with its slot").isFalse();
        assertThat(waiter.acquire(DecodeSlots.AWAY_MILLIS * 2))
                .as("the holder is decoding, not away")
                .isFalse();

        // Flink's element queue is full: the camera's batch waits there, and so would its slot.
        away.stepAway();
        long started = System.nanoTime();
        assertThat(waiter.acquire(10_000)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(DecodeSlots.AWAY_MILLIS - 1);
        assertThat(away.isHolding()).isFalse();
        assertThat(slots.available()).isZero();
        assertThat(away.stepBack()).as("told once that its slot was taken").isTrue();
        assertThat(away.stepBack()).isFalse();

        // It waits in line again like any camera.
        CompletableFuture<Boolean> again =
                CompletableFuture.supplyAsync(() -> away.acquire(10_000));
        Thread.sleep(DecodeSlots.AWAY_MILLIS * 2);
        assertThat(again).as("the new holder is not away").isNotDone();
        waiter.release();
        assertThat(again.get(10, TimeUnit.SECONDS)).isTrue();
        away.release();
        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void theNextInLineTakesTheNextSlotOfACameraAwayWithoutSleepingOutItsWait() throws Exception {
        DecodeSlots slots = new DecodeSlots(2);
        DecodeSlots.Holder a = slots.holder();
        DecodeSlots.Holder b = slots.holder();
        a.acquire(0);
        b.acquire(0);
        a.stepAway();
        b.stepAway();
        DecodeSlots.Holder first = slots.holder();
        DecodeSlots.Holder second = slots.holder();
        long started = System.nanoTime();
        CompletableFuture<Boolean> firstTurn =
                CompletableFuture.supplyAsync(() -> first.acquire(10_000));
        while (slots.waiting() < 1) {
            Thread.sleep(1);
        }
        CompletableFuture<Boolean> secondTurn =
                CompletableFuture.supplyAsync(() -> second.acquire(10_000));
        assertThat(firstTurn.get(10, TimeUnit.SECONDS)).isTrue();
        // Second in line when it began to wait: it must look for an away holder once it is first.
        assertThat(secondTurn.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .as(
                        "two hand-overs of about %s ms each, not a wait of 10 s",
                        DecodeSlots.AWAY_MILLIS)
                .isLessThan(5_000);
        assertThat(a.stepBack()).isTrue();
        assertThat(b.stepBack()).isTrue();
        first.release();
        second.release();
        assertThat(slots.available()).isEqualTo(2);
    }

    @Test
    void anInterruptedWaitGivesUpAndKeepsTheInterrupt() {
        DecodeSlots slots = new DecodeSlots(1);
        slots.holder().acquire(0);
        DecodeSlots.Holder waiter = slots.holder();
        Thread.currentThread().interrupt();
        try {
            assertThat(waiter.acquire(10_000)).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void sourcesAskingForTheSameCountShareSlotsAndZeroMeansOnePerProcessor() {
        assertThat(DecodeSlots.shared(3))
                .isSameAs(DecodeSlots.shared(3))
                .isNotSameAs(DecodeSlots.shared(5));
        assertThat(DecodeSlots.shared(0).count())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> new DecodeSlots(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decode slots must be positive, but were 0");
    }

    @Test
    void aLoneCameraGetsEverySlotAsDecoderThreadsAndACrowdOneEach() {
        DecodeSlots slots = new DecodeSlots(4);
        assertThat(slots.threadsPerCamera())
                .as("no camera yet: every slot and two more")
                .isEqualTo(6);
        DecodeSlots.Holder first = slots.holder();
        assertThat(slots.threadsPerCamera()).isEqualTo(6);
        DecodeSlots.Holder second = slots.holder();
        assertThat(slots.threadsPerCamera()).as("2 slots each").isEqualTo(4);
        DecodeSlots.Holder third = slots.holder();
        assertThat(slots.threadsPerCamera()).as("4 slots among 3 cameras").isEqualTo(1);
        java.util.List<DecodeSlots.Holder> crowd = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            crowd.add(slots.holder());
        }
        assertThat(slots.cameras()).isEqualTo(13);
        assertThat(slots.threadsPerCamera()).isEqualTo(1);
        crowd.forEach(DecodeSlots.Holder::close);
        third.close();
        third.close();
        assertThat(slots.cameras()).as("closing twice counts once").isEqualTo(2);
        second.acquire(0);
        second.close();
        assertThat(slots.available()).as("closing gives the slot back").isEqualTo(4);
        assertThat(slots.threadsPerCamera()).isEqualTo(6);
        first.close();
    }
}
