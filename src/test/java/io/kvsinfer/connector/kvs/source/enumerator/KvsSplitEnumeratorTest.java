package io.kvsinfer.connector.kvs.source.enumerator;

import io.kvsinfer.connector.kvs.source.config.StartingPosition;
import io.kvsinfer.connector.kvs.source.split.FragmentPosition;
import io.kvsinfer.connector.kvs.source.split.KvsStreamSplit;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class KvsSplitEnumeratorTest {

    private static List<KvsStreamSplit> cameras(int count) {
        List<KvsStreamSplit> splits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            splits.add(
                    new KvsStreamSplit(
                            "cam-" + i, "stream-" + i, StartingPosition.latest(), -1, null));
        }
        return splits;
    }

    private static Map<Integer, List<String>> assignments(
            MockSplitEnumeratorContext<KvsStreamSplit> context) {
        Map<Integer, List<String>> bySubtask = new HashMap<>();
        for (SplitsAssignment<KvsStreamSplit> assignment : context.getSplitsAssignmentSequence()) {
            assignment
                    .assignment()
                    .forEach(
                            (subtask, splits) ->
                                    splits.forEach(
                                            s ->
                                                    bySubtask
                                                            .computeIfAbsent(
                                                                    subtask, k -> new ArrayList<>())
                                                            .add(s.splitId())));
        }
        return bySubtask;
    }

    @Test
    void balancesCamerasByCountWhateverTheRegistrationOrder() throws Exception {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(3)) {
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(7), null);
            enumerator.start();
            // Reader 2 registers alone first: it must not receive every camera.
            context.registerReader(new ReaderInfo(2, "host"));
            enumerator.addReader(2);
            assertThat(assignments(context).get(2)).hasSize(2);
            context.registerReader(new ReaderInfo(0, "host"));
            enumerator.addReader(0);
            context.registerReader(new ReaderInfo(1, "host"));
            enumerator.addReader(1);

            Map<Integer, List<String>> result = assignments(context);
            assertThat(result.get(0)).hasSize(3);
            assertThat(result.get(1)).hasSize(2);
            assertThat(result.get(2)).hasSize(2);
            assertThat(result.values().stream().mapToInt(List::size).sum()).isEqualTo(7);
            assertThat(context.hasNoMoreSplits(0)).isTrue();
            assertThat(context.hasNoMoreSplits(2)).isTrue();
        }
    }

    @Test
    void readersWithoutCamerasAreToldThereAreNoMore() throws Exception {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(4)) {
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(2), null);
            enumerator.start();
            for (int i = 0; i < 4; i++) {
                context.registerReader(new ReaderInfo(i, "host"));
                enumerator.addReader(i);
            }
            assertThat(assignments(context)).containsOnlyKeys(0, 1);
            for (int i = 0; i < 4; i++) {
                assertThat(context.hasNoMoreSplits(i)).as("subtask %s", i).isTrue();
            }
        }
    }

    @Test
    void splitsAddedBackReturnToTheirSubtaskWithTheirPosition() throws Exception {
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(4), null);
            enumerator.start();
            for (int i = 0; i < 2; i++) {
                context.registerReader(new ReaderInfo(i, "host"));
                enumerator.addReader(i);
            }
            KvsStreamSplit returned =
                    assignments(context).get(1).stream()
                            .findFirst()
                            .map(
                                    id ->
                                            new KvsStreamSplit(
                                                    id,
                                                    "s",
                                                    StartingPosition.latest(),
                                                    -1,
                                                    new FragmentPosition(
                                                            "91343852333185057105875891022195998207386831087",
                                                            1000L,
                                                            5,
                                                            1160L)))
                            .orElseThrow();
            context.unregisterReader(1);
            enumerator.addSplitsBack(List.of(returned), 1);
            int before = context.getSplitsAssignmentSequence().size();

            context.registerReader(new ReaderInfo(1, "host"));
            enumerator.addReader(1);

            SplitsAssignment<KvsStreamSplit> last =
                    context.getSplitsAssignmentSequence().get(before);
            assertThat(last.assignment()).containsOnlyKeys(1);
            assertThat(last.assignment().get(1)).containsExactly(returned);
        }
    }

    @Test
    void restoredEnumeratorDoesNotAssignCamerasTwice() throws Exception {
        KvsEnumeratorState state;
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(3), null);
            enumerator.start();
            context.registerReader(new ReaderInfo(0, "host"));
            enumerator.addReader(0);
            state = enumerator.snapshotState(1);
        }
        // Two cameras went to reader 0; the third waits for reader 1.
        assertThat(state.assignedOwners()).hasSize(2);
        assertThat(state.unassigned()).hasSize(1);

        KvsEnumeratorStateSerializer serializer = new KvsEnumeratorStateSerializer();
        KvsEnumeratorState restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(restored).isEqualTo(state);

        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(3), restored);
            enumerator.start();
            for (int i = 0; i < 2; i++) {
                context.registerReader(new ReaderInfo(i, "host"));
                enumerator.addReader(i);
            }
            Map<Integer, List<String>> result = assignments(context);
            assertThat(result.values().stream().flatMap(List::stream))
                    .containsExactly(state.unassigned().get(0).splitId());
            assertThat(result).containsOnlyKeys(1);
        }
    }

    @Test
    void aCameraAddedSinceTheSavepointIsAssignedOnRestoreAndTheRestoredOnesAreNot()
            throws Exception {
        KvsEnumeratorState state;
        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(2), null);
            enumerator.start();
            context.registerReader(new ReaderInfo(0, "host"));
            enumerator.addReader(0);
            state = enumerator.snapshotState(1);
        }
        assertThat(state.assignedOwners()).containsOnlyKeys("cam-0", "cam-1");

        try (MockSplitEnumeratorContext<KvsStreamSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            // The job now adds a third camera: only it is new.
            KvsSplitEnumerator enumerator = new KvsSplitEnumerator(context, cameras(3), state);
            enumerator.start();
            context.registerReader(new ReaderInfo(0, "host"));
            enumerator.addReader(0);
            assertThat(assignments(context)).containsExactly(entry(0, List.of("cam-2")));
            assertThat(enumerator.snapshotState(2).assignedOwners())
                    .containsOnlyKeys("cam-0", "cam-1", "cam-2");
        }
    }
}
