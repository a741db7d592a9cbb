package io.kvsinfer.connector.kvs.localkvs.store;

import org.apache.flink.annotation.Internal;

import java.time.InstantSource;

/**
 * Server-wide settings every stream shares.
 *
 * @param clock the injected clock; all timestamps and expiries come from it
 * @param retentionMillis the longest any fragment is kept, whatever the stream's retention says
 * @param maxFragmentsPerStream the most fragment records one stream keeps
 * @param ingestionDelayMillis server timestamp minus producer timestamp
 * @param region region named in ARNs
 * @param accountId 12-digit account named in ARNs
 */
@Internal
public record StoreSettings(
        InstantSource clock,
        long retentionMillis,
        int maxFragmentsPerStream,
        long ingestionDelayMillis,
        String region,
        String accountId) {}
