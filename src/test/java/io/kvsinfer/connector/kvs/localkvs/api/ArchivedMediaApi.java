package io.kvsinfer.connector.kvs.localkvs.api;

import io.kvsinfer.connector.kvs.localkvs.FragmentRecord;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsSession;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsSessionSpec;
import io.kvsinfer.connector.kvs.localkvs.hls.HlsSessions;
import io.kvsinfer.connector.kvs.localkvs.hls.MediaStats;
import io.kvsinfer.connector.kvs.localkvs.http.JsonBody;
import io.kvsinfer.connector.kvs.localkvs.http.JsonOut;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.http.KvsHandler;
import io.kvsinfer.connector.kvs.localkvs.http.RateLimits;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;
import io.kvsinfer.connector.kvs.localkvs.store.StreamRegistry;
import io.kvsinfer.connector.kvs.localkvs.store.StreamState;

import org.apache.flink.annotation.Internal;

import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code kinesisvideoarchivedmedia} operations: GetHLSStreamingSessionURL and ListFragments.
 */
@Internal
public final class ArchivedMediaApi {

    private static final String AVC = "V_MPEG/ISO/AVC";
    private static final String HEVC = "V_MPEG/ISO/HEVC";

    private final StreamLookup lookup;
    private final HlsSessions sessions;
    private final RateLimits limits;
    private final MediaStats stats;
    private final Supplier<String> dataEndpoint;
    private final InstantSource clock;

    public ArchivedMediaApi(
            StreamRegistry registry,
            HlsSessions sessions,
            RateLimits limits,
            MediaStats stats,
            Supplier<String> dataEndpoint,
            InstantSource clock) {
        this.clock = clock;
        this.lookup = new StreamLookup(registry);
        this.sessions = sessions;
        this.limits = limits;
        this.stats = stats;
        this.dataEndpoint = dataEndpoint;
    }

    public void register(Map<KvsOperation, KvsHandler> handlers) {
        handlers.put(
                KvsOperation.GET_HLS_STREAMING_SESSION_URL,
                ControlPlaneApi.json(this::getHlsSessionUrl));
        handlers.put(KvsOperation.LIST_FRAGMENTS, ControlPlaneApi.json(this::listFragments));
    }

    private void getHlsSessionUrl(JsonBody body, JsonWriter out) {
        checkStreamFields(body);
        HlsSessionSpec spec = HlsSessionRequestParser.parse(body);
        HlsSessionRequestParser.checkEndInThePast(spec, clock.millis());
        StreamState stream = lookup.resolve(body);
        limits.charge("stream/" + stream.arn() + "/GetHLSStreamingSessionURL", 1, 25);
        if (stream.retentionHours() == 0) {
            throw KvsError.noDataRetention(
                    "The stream " + stream.name() + " does not retain data.");
        }
        for (FragmentedMedia media : stream.allMedia()) {
            if (!AVC.equals(media.codecId()) && !HEVC.equals(media.codecId())) {
                throw KvsError.unsupportedMediaType(
                        "Track 1 has codec "
                                + media.codecId()
                                + "; HLS needs "
                                + AVC
                                + " or "
                                + HEVC
                                + ".");
            }
        }
        HlsSession session = sessions.open(stream, spec);
        JsonOut.string(
                out,
                "HLSStreamingSessionURL",
                dataEndpoint.get()
                        + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken="
                        + session.token());
    }

    /** Field format checks come before the other rules, as in AWS's request validation. */
    private static void checkStreamFields(JsonBody body) {
        String name = body.string("StreamName");
        String arn = body.string("StreamARN");
        if (name != null && arn != null) {
            throw KvsError.invalidArgument("Specify either StreamName or StreamARN, not both.");
        }
        if (name == null && arn == null) {
            throw KvsError.invalidArgument("Either StreamName or StreamARN is required.");
        }
        if (name != null) {
            StreamLookup.checkName(name);
        }
    }

    private void listFragments(JsonBody body, JsonWriter out) {
        checkStreamFields(body);
        int maxResults = ControlPlaneApi.Pages.maxResults(body, 1, 1000, 1000);
        JsonBody selector = body.object("FragmentSelector");
        boolean producer = false;
        Long start = null;
        Long end = null;
        if (selector != null) {
            String type = selector.string("FragmentSelectorType");
            if (!"PRODUCER_TIMESTAMP".equals(type) && !"SERVER_TIMESTAMP".equals(type)) {
                throw KvsError.invalidArgument(
                        "FragmentSelectorType must be PRODUCER_TIMESTAMP or SERVER_TIMESTAMP but"
                                + " was '"
                                + StreamLookup.abbreviate(type)
                                + "'.");
            }
            producer = "PRODUCER_TIMESTAMP".equals(type);
            JsonBody range = selector.object("TimestampRange");
            start = range == null ? null : range.timestampMillis("StartTimestamp");
            end = range == null ? null : range.timestampMillis("EndTimestamp");
            if (start == null || end == null) {
                throw KvsError.invalidArgument(
                        "TimestampRange needs StartTimestamp and EndTimestamp.");
            }
            if (end < start) {
                throw KvsError.invalidArgument(
                        "EndTimestamp must not be earlier than StartTimestamp.");
            }
        }
        String after = ControlPlaneApi.Pages.decodeToken(body.string("NextToken"));
        long afterSequence = parseSequence(after);
        StreamState stream = lookup.resolve(body);
        List<FragmentRecord> matching = new ArrayList<>();
        for (FragmentRecord r : stream.fragments()) {
            long ts = producer ? r.producerMillis() : r.serverMillis();
            if (r.sequence() > afterSequence && (start == null || (ts >= start && ts <= end))) {
                matching.add(r);
            }
        }
        out.writeFieldName("Fragments");
        out.writeStartArray();
        int n = Math.min(maxResults, matching.size());
        for (int i = 0; i < n; i++) {
            writeFragment(stream, matching.get(i), out);
        }
        out.writeEndArray();
        if (matching.size() > n) {
            JsonOut.string(
                    out,
                    "NextToken",
                    ControlPlaneApi.Pages.encodeToken(
                            Long.toString(matching.get(n - 1).sequence())));
        }
    }

    private static long parseSequence(String after) {
        if (after == null) {
            return -1;
        }
        try {
            return Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw KvsError.invalidArgument("NextToken is not valid.");
        }
    }

    private void writeFragment(StreamState stream, FragmentRecord r, JsonWriter out) {
        FragmentedMedia media = stream.media(r.initId());
        out.writeStartObject();
        JsonOut.string(out, "FragmentNumber", r.fragmentNumber());
        out.writeFieldName("FragmentSizeInBytes");
        out.writeValue(media == null ? 0 : stats.size(media, r.mediaIndex()));
        JsonOut.timestamp(out, "ProducerTimestamp", r.producerMillis());
        JsonOut.timestamp(out, "ServerTimestamp", r.serverMillis());
        out.writeFieldName("FragmentLengthInMilliseconds");
        out.writeValue(r.durationMillis());
        out.writeEndObject();
    }
}
