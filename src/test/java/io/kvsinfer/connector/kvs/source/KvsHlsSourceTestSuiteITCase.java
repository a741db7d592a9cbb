package io.kvsinfer.connector.kvs.source;

import io.kvsinfer.connector.kvs.testing.KvsHlsSourceExternalContext;
import io.kvsinfer.connector.kvs.testing.LocalKvsTestResource;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Flink's own acceptance suite for FLIP-27 sources, all eight cases, run against KvsHlsSource on
 * LocalKvs in exactly-once semantics: records are integers drawn into video frames (see {@link
 * KvsHlsSourceExternalContext}). The suite's {@link MiniClusterTestEnvironment} is the cluster (one
 * TaskManager, six slots), so no separate MiniClusterExtension is registered.
 */
class KvsHlsSourceTestSuiteITCase extends SourceTestSuiteBase<Integer> {

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem LocalKvsTestResource localKvs = new LocalKvsTestResource();

    @TestContext
    ExternalContextFactory<KvsHlsSourceExternalContext> cameras =
            testName -> new KvsHlsSourceExternalContext(localKvs.kvs(), testName);

    @TestSemantics
    CheckpointingMode[] semantics = new CheckpointingMode[] {CheckpointingMode.EXACTLY_ONCE};
}
