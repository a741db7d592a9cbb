package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.compat.WriterSink;
import io.kvsinfer.connector.kvs.source.VideoFrame;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands every frame to the {@link DemoRun} of this JVM: counts it and keeps it as the camera's
 * latest. Works because the demo's job runs in a local MiniCluster inside the demo's own process; a
 * job on a real cluster would write frames somewhere instead (see the examples).
 */
final class ProgressSink extends WriterSink<VideoFrame> {
    private static final long serialVersionUID = 1L;

    private final String runId;

    ProgressSink(String runId) {
        this.runId = runId;
    }

    @Override
    public SinkWriter<VideoFrame> createWriter(WriterInitContext context) {
        DemoRun run = DemoRun.get(runId);
        if (run == null) {
            throw new IllegalStateException(
                    "ProgressSink only works inside the demo's process (no run " + runId + ")");
        }
        return new SinkWriter<>() {
            @Override
            public void write(VideoFrame frame, Context context) {
                DemoRun.Camera camera = run.camera(frame.getCameraId());
                if (camera != null) {
                    camera.frameArrived(frame, System.currentTimeMillis(), System.nanoTime());
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
