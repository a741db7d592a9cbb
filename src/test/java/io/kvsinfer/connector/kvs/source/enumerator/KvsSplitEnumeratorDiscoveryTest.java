package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class KvsSplitEnumeratorDiscoveryTest {

    private final AtomicReference<Object> answer = new AtomicReference<>(List.of());

    @SuppressWarnings("unchecked")
    private final StreamDiscovery discovery =
            () -> {
                Object next = answer.get();
                if (next instanceof Exception) {
                    throw (Exception) next;
                }
                if (next instanceof DiscoveryRound) {
                    return (DiscoveryRound) next;
                }
                return DiscoveryRound.complete((List<DiscoveredStream>) next);
            };

    private static List<DiscoveredStream> streams(String... names) {
        List<DiscoveredStream> list = new ArrayList<>();
        for (String name : names) {
            list.add(new DiscoveredStream(name, name));
        }
        return list;
    }

    private static List<KvsStreamSplit> assigned(
            MockSplitEnumeratorContext<KvsStreamSplit> context) {
        List<KvsStreamSplit> all = new ArrayList<>();
        for (SplitsAssignment<KvsStreamSplit> assignment : context.getSplitsAssignmentSequence()) {
            assignment.assignment().values().forEach(all::addAll);
        }
        return all;
    }

    /** The ids of the cameras handed out so far, in order. */
    private static List<String> assignedIds(MockSplitEnumeratorContext<KvsStreamSplit> context) {
        List<String> ids = new ArrayList<>();
        assigned(context).forEach(split -> ids.add(split.splitId()));
        return ids;
    }

    private KvsSplitEnumerator enumerator(
            MockSplitEnumeratorContext<KvsStreamSplit> context,
            KvsEnumeratorState restored,
            boolean bounded) {
        KvsSplitEnumerator enumerator = startedWithoutReaders(context, restored, bounded);
        for (int i = 0; i < context.currentParallelism(); i++) {
            register(context, enumerator, i);
        }
        return enumerator;
    }

    private KvsSplitEnumerator startedWithoutReaders(
            MockSplitEnumeratorContext<KvsStreamSplit> context,
            KvsEnumeratorState restored,
            boolean bounded) {
        DiscoverySettings settings =
                new DiscoverySettings(
                        Duration.ofSeconds(60), bounded, StartingPosition.latest(), -1);
        KvsSplitEnumerator enumerator =
                new KvsSplitEnumerator(context, List.of(), restored, discovery, settings);
        enumerator.start();
        return enumerator;
    }

    private static void register(
            MockSplitEnumeratorContext<KvsStreamSplit> context,
            KvsSplitEnumerator enumerator,
            int subtask) {
        context.registerReader(new ReaderInfo(subtask, "host"));
        enumerator.addReader(subtask);
    }

    /** The cameras each subtask was told to finish. */
    private static Map<Integer, List<String>> finished(
            MockSplitEnumeratorContext<KvsStreamSplit> context) throws Exception {
        Map<Integer, List<String>> finished = new TreeMap<>();
        context.getSentSourceEvent()
                .forEach(
                        (subtask, events) ->
                                events.stream()
                                        .filter(FinishCameraEvent.class::isInstance)
                                        .map(e -> ((FinishCameraEvent) e).cameraId())
                                        .forEach(
                                                id ->
                                                        finished.computeIfAbsent(
                                                                        subtask,
                                                                        k -> new ArrayList<>())
                                                                .add(id)));
        return finished;
    }

    private static KvsEnumeratorState discoveredOn(Map<String, Integer> owners) {
        Map<String, String> discovered = new TreeMap<>();
        owners.keySet().forEach(camera -> discovered.put(camera, camera));
        return new KvsEnumeratorState(owners, List.of(), discovered, 1_000L);
    }

    @Test
    void newStreamsBecomeSplitsAndGoneStreamsAreFinished() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = enumerator(context, null, false);
            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            assertThat(assignedIds(context)).containsExactly("cam-a", "cam-b");
            // The first discovery starts where the job starts.
            assertThat(assigned(context))
                    .allSatisfy(
                            s ->
                                    assertThat(s.startingPosition())
                                            .isEqualTo(StartingPosition.latest()));
            assertThat(context.hasNoMoreSplits(0)).isFalse();

            answer.set(streams("cam-b", "cam-c"));
            context.runPeriodicCallable(0);
            KvsStreamSplit added = assigned(context).get(2);
            assertThat(added.splitId()).isEqualTo("cam-c");
            // Later discoveries start at the time of the discovery before, so nothing recorded
            // since is missed.
            assertThat(added.startingPosition().kind()).isEqualTo(StartingPosition.Kind.TIMESTAMP);
            Map<Integer, List<SourceEvent>> events = context.getSentSourceEvent();
            assertThat(events.values().stream().flatMap(List::stream))
                    .singleElement()
                    .isInstanceOfSatisfying(
                            FinishCameraEvent.class,
                            e -> assertThat(e.cameraId()).isEqualTo("cam-a"));

            KvsEnumeratorState state = enumerator.snapshotState(1);
            assertThat(state.discoveredCameras()).containsOnlyKeys("cam-b", "cam-c");
            assertThat(state.lastDiscoveryMillis()).isPositive();
        }
    }

    @Test
    void failedDiscoveriesAreCountedAndRetriedWithoutFailing() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            enumerator(context, null, false);
            answer.set(new RuntimeException("ClientLimitExceededException: throttled"));
            context.runPeriodicCallable(0);
            assertThat(assigned(context)).isEmpty();
            answer.set(streams("cam-a"));
            context.runPeriodicCallable(0);
            assertThat(assignedIds(context)).containsExactly("cam-a");
        }
    }

    @Test
    void aRoundCutShortAddsWhatItFoundAndFinishesOnlyCamerasItCouldDecide() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = enumerator(context, null, false);
            answer.set(streams("cam-a", "cam-b", "cam-c"));
            context.runPeriodicCallable(0);
            long completeRoundMillis = enumerator.snapshotState(1).lastDiscoveryMillis();

            // Throttled after cam-a (decided: no longer matching) and cam-b (tags unread); the
            // listing never reached cam-c; cam-d is new.
            answer.set(
                    DiscoveryRound.partial(
                            streams("cam-d"),
                            false,
                            Set.of("cam-a", "cam-b", "cam-d"),
                            Set.of("cam-b")));
            context.runPeriodicCallable(0);

            assertThat(context.getSentSourceEvent().values().stream().flatMap(List::stream))
                    .singleElement()
                    .isInstanceOfSatisfying(
                            FinishCameraEvent.class,
                            e -> assertThat(e.cameraId()).isEqualTo("cam-a"));
            KvsStreamSplit added = assigned(context).get(3);
            assertThat(added.splitId()).isEqualTo("cam-d");
            // It starts where a complete round would have started it: at the last complete round.
            assertThat(added.startingPosition())
                    .isEqualTo(StartingPosition.fromTimestamp(completeRoundMillis));
            KvsEnumeratorState state = enumerator.snapshotState(2);
            assertThat(state.discoveredCameras()).containsOnlyKeys("cam-b", "cam-c", "cam-d");
            assertThat(state.lastDiscoveryMillis()).isEqualTo(completeRoundMillis);
        }
    }

    @Test
    void aBoundedSourceEndsOnlyAfterACompleteRound() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            enumerator(context, null, true);
            answer.set(
                    DiscoveryRound.partial(
                            streams("cam-a"), true, Set.of("cam-a", "cam-b"), Set.of("cam-b")));
            context.runPeriodicCallable(0);
            assertThat(context.hasNoMoreSplits(0)).isFalse();

            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            assertThat(assignedIds(context)).containsExactly("cam-a", "cam-b");
            // cam-b existed when the job started: it starts at the job's starting position.
            assertThat(assigned(context).get(1).startingPosition())
                    .isEqualTo(StartingPosition.latest());
            assertThat(context.hasNoMoreSplits(0)).isTrue();
        }
    }

    @Test
    void boundedSourcesDiscoverOnceAndThenEnd() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            enumerator(context, null, true);
            assertThat(context.hasNoMoreSplits(0)).isFalse();
            answer.set(streams("cam-a"));
            context.runPeriodicCallable(0);
            assertThat(context.hasNoMoreSplits(0)).isTrue();
            assertThat(context.hasNoMoreSplits(1)).isTrue();
            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            assertThat(assignedIds(context)).containsExactly("cam-a");
        }
    }

    @Test
    void restoredDiscoveryNeitherLosesNorRepeatsCameras() throws Throwable {
        KvsEnumeratorState state;
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = enumerator(context, null, false);
            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            state = enumerator.snapshotState(7);
        }
        KvsEnumeratorStateSerializer serializer = new KvsEnumeratorStateSerializer();
        KvsEnumeratorState restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(restored).isEqualTo(state);
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            enumerator(context, restored, false);
            answer.set(streams("cam-a", "cam-b", "cam-c"));
            context.runPeriodicCallable(0);
            // cam-a and cam-b live in the readers' restored state; only cam-c is new.
            assertThat(assignedIds(context)).containsExactly("cam-c");
        }
    }

    @Test
    void aCameraFinishedBeforeItsReaderRegisteredIsFinishedWhenTheReaderReportsIt()
            throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator =
                    startedWithoutReaders(
                            context, discoveredOn(Map.of("cam-a", 0, "cam-b", 1)), false);
            // The restored job's first round runs before any reader registered: cam-a no longer
            // matches, and there is nobody to tell.
            answer.set(streams("cam-b"));
            context.runPeriodicCallable(0);
            assertThat(finished(context)).isEmpty();

            register(context, enumerator, 0);
            register(context, enumerator, 1);
            enumerator.handleSourceEvent(0, new RestoredCamerasEvent(List.of("cam-a")));
            enumerator.handleSourceEvent(1, new RestoredCamerasEvent(List.of("cam-b")));

            assertThat(finished(context)).isEqualTo(Map.of(0, List.of("cam-a")));
            assertThat(assigned(context)).isEmpty();
        }
    }

    @Test
    void afterRescalingACameraIsFinishedOnTheSubtaskThatRestoredIt() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            // Checkpointed with four subtasks, restored with two: cam-c's split moved to subtask 1.
            KvsSplitEnumerator enumerator =
                    enumerator(
                            context,
                            discoveredOn(Map.of("cam-a", 0, "cam-b", 1, "cam-c", 3)),
                            false);
            enumerator.handleSourceEvent(0, new RestoredCamerasEvent(List.of("cam-a")));
            enumerator.handleSourceEvent(1, new RestoredCamerasEvent(List.of("cam-b", "cam-c")));

            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);

            assertThat(finished(context)).isEqualTo(Map.of(1, List.of("cam-c")));
            assertThat(enumerator.snapshotState(1).assignedOwners())
                    .isEqualTo(Map.of("cam-a", 0, "cam-b", 1));
        }
    }

    @Test
    void aStreamDeletedAndCreatedAgainBetweenTwoRoundsIsReadAgain() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            KvsSplitEnumerator enumerator = enumerator(context, null, false);
            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            // Both streams ended on the reader: cam-a's was deleted, cam-b reached its stop.
            enumerator.handleSourceEvent(0, new CameraEndedEvent("cam-a", true));
            enumerator.handleSourceEvent(0, new CameraEndedEvent("cam-b", false));
            assertThat(enumerator.snapshotState(1).discoveredCameras()).containsOnlyKeys("cam-b");

            // cam-a exists again (created again under its name) by the next round.
            context.runPeriodicCallable(0);

            assertThat(assignedIds(context)).containsExactly("cam-a", "cam-b", "cam-a");
            assertThat(assigned(context).get(2).startingPosition().kind())
                    .isEqualTo(StartingPosition.Kind.TIMESTAMP);
            assertThat(finished(context)).isEmpty();
        }
    }

    @Test
    void aFinishedCameraWhoseReaderConfirmedItComesBackAtTheNextRound() throws Throwable {
        for (boolean confirmed : new boolean[] {false, true}) {
            try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                    new MockSplitEnumeratorContext<>(1)) {
                KvsSplitEnumerator enumerator = enumerator(context, null, false);
                answer.set(streams("cam-a"));
                context.runPeriodicCallable(0);
                answer.set(streams());
                context.runPeriodicCallable(0);
                assertThat(finished(context)).isEqualTo(Map.of(0, List.of("cam-a")));
                if (confirmed) {
                    enumerator.handleSourceEvent(0, new CameraEndedEvent("cam-a", false));
                }

                answer.set(streams("cam-a"));
                context.runPeriodicCallable(0);
                // Unconfirmed, the old split may still run: the camera waits a round more.
                assertThat(assigned(context))
                        .as("confirmed: %s", confirmed)
                        .hasSize(confirmed ? 2 : 1);
                context.runPeriodicCallable(0);
                assertThat(assigned(context)).hasSize(2);
            }
        }
    }

    @Test
    void aStaleRestoredCopyOfARunningCameraIsFinishedWhereItWasRestored() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = enumerator(context, null, false);
            answer.set(streams("cam-a"));
            context.runPeriodicCallable(0);
            assertThat(context.getSplitsAssignmentSequence().get(0).assignment())
                    .containsOnlyKeys(0);
            // Subtask 1 failed over to a checkpoint from when it read an older split of cam-a.
            enumerator.handleSourceEvent(1, new RestoredCamerasEvent(List.of("cam-a")));

            assertThat(finished(context)).isEqualTo(Map.of(1, List.of("cam-a")));
            assertThat(enumerator.snapshotState(1).assignedOwners()).isEqualTo(Map.of("cam-a", 0));
        }
    }

    @Test
    void aCameraThatEndedJustBeforeTheRestoredCheckpointIsLookedForAgain() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            // The enumerator's checkpoint still had cam-a; the readers', taken after, did not.
            KvsSplitEnumerator enumerator =
                    enumerator(context, discoveredOn(Map.of("cam-a", 0, "cam-b", 1)), false);
            enumerator.handleSourceEvent(0, new RestoredCamerasEvent(List.of()));
            assertThat(enumerator.snapshotState(1).discoveredCameras())
                    .as("until every reader reported, cam-a may still be restored")
                    .containsOnlyKeys("cam-a", "cam-b");
            enumerator.handleSourceEvent(1, new RestoredCamerasEvent(List.of("cam-b")));
            assertThat(enumerator.snapshotState(2).discoveredCameras()).containsOnlyKeys("cam-b");

            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            assertThat(assignedIds(context)).containsExactly("cam-a");
        }
    }

    @Test
    void aFailedReaderGetsBackOnlyTheCamerasItStillReads() throws Throwable {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = enumerator(context, null, false);
            answer.set(streams("cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            KvsStreamSplit oldA = assigned(context).get(0);
            // cam-a's stream is deleted and created again; the next round reads it on subtask 1.
            enumerator.handleSourceEvent(0, new CameraEndedEvent("cam-a", true));
            answer.set(streams("cam-c", "cam-d", "cam-a", "cam-b"));
            context.runPeriodicCallable(0);
            assertThat(enumerator.snapshotState(1).assignedOwners())
                    .containsEntry("cam-a", 1)
                    .containsEntry("cam-c", 0)
                    .containsEntry("cam-d", 0);

            // Subtask 0 fails; Flink returns what it was given since its last checkpoint.
            context.unregisterReader(0);
            List<KvsStreamSplit> returned = new ArrayList<>();
            context.getSplitsAssignmentSequence()
                    .forEach(a -> returned.addAll(a.assignment().getOrDefault(0, List.of())));
            enumerator.addSplitsBack(returned, 0);
            int before = context.getSplitsAssignmentSequence().size();
            register(context, enumerator, 0);

            assertThat(returned).contains(oldA);
            assertThat(
                            context.getSplitsAssignmentSequence()
                                    .subList(before, context.getSplitsAssignmentSequence().size()))
                    .flatExtracting(a -> a.assignment().get(0))
                    .extracting(KvsStreamSplit::splitId)
                    .containsExactlyInAnyOrder("cam-c", "cam-d");
        }
    }
}
