package io.kvsinfer.connector.kvs.localkvs;

import org.apache.flink.annotation.PublicEvolving;

/**
 * What LocalKvs remembers about one fragment of a stream: metadata only, the bytes are produced on
 * demand by the {@link io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia} that {@link
 * #initId()} names.
 *
 * @param fragmentNumber opaque decimal fragment number, as KVS reports it (about 47 digits)
 * @param sequence position in the stream's ingestion order, starting at 0
 * @param producerMillis producer timestamp of the fragment start, epoch milliseconds
 * @param serverMillis server timestamp of the fragment start, epoch milliseconds
 * @param durationMillis fragment duration in milliseconds
 * @param frameCount frames in the fragment
 * @param firstFrameIndex frames the stream received before this fragment
 * @param mediaIndex index of the fragment in its media's loop
 * @param initId id of the init segment the fragment needs; changes whenever the media changes
 */
@PublicEvolving
public record FragmentRecord(
        String fragmentNumber,
        long sequence,
        long producerMillis,
        long serverMillis,
        long durationMillis,
        int frameCount,
        long firstFrameIndex,
        int mediaIndex,
        int initId) {

    /** Producer timestamp of the fragment end, epoch milliseconds. */
    public long producerEndMillis() {
        return producerMillis + durationMillis;
    }

    /** Server timestamp of the fragment end, epoch milliseconds. */
    public long serverEndMillis() {
        return serverMillis + durationMillis;
    }
}
