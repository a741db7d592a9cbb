package io.kvsinfer.connector.kvs.testing;

import io.kvsinfer.connector.kvs.localkvs.LocalKvs;

import org.apache.flink.connector.testframe.TestResource;
import org.apache.flink.util.Preconditions;

/** LocalKvs on loopback as the connector test framework's external system. */
public final class LocalKvsTestResource implements TestResource {

    private volatile LocalKvs kvs;

    @Override
    public void startUp() {
        kvs = LocalKvs.builder().build().start();
    }

    @Override
    public void tearDown() {
        if (kvs != null) {
            kvs.close();
            kvs = null;
        }
    }

    /** The running LocalKvs; only between startUp and tearDown. */
    public LocalKvs kvs() {
        return Preconditions.checkNotNull(kvs, "LocalKvs is not started");
    }

    @Override
    public String toString() {
        return kvs == null ? "LocalKvs (stopped)" : "LocalKvs at " + kvs.endpoint();
    }
}
