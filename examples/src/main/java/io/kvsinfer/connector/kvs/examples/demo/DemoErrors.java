package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.HlsStreamException;
import io.kvsinfer.connector.kvs.source.KvsConnectionException;

import org.apache.flink.util.SerializedThrowable;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what went wrong into one sentence that says what to do. Flink wraps a source's failure in
 * several layers (job execution, task, fetcher), so the whole cause chain is searched.
 */
final class DemoErrors {

    private static final Pattern CAMERA = Pattern.compile("Camera (.+?) \\(stream (.+?)\\)");
    private static final Pattern FOR_STREAM = Pattern.compile(" for stream (\\S+) failed");
    private static final String CREDENTIALS_HINT =
            "run 'aws configure', set AWS_PROFILE, or export"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

    /** Where the streams are: "region us-east-1" or "http://127.0.0.1:4566". */
    private final String where;

    private final String region;

    DemoErrors(String region, String endpoint) {
        this.region = region;
        this.where = endpoint != null ? endpoint : "region " + region;
    }

    /** The sentence for a failed Flink job. */
    String jobFailed(Throwable failure) {
        List<Throwable> chain = chain(failure);
        KvsConnectionException kvs = find(chain, KvsConnectionException.class);
        String stream = streamOf(chain);
        if (kvs != null) {
            return forReason(kvs.reason(), stream, detailOf(kvs.getMessage()));
        }
        HlsStreamException hls = find(chain, HlsStreamException.class);
        if (hls != null) {
            return "Reading the HLS video of stream '"
                    + stream
                    + "' failed ("
                    + oneLine(hls.getMessage())
                    + "): check the network connection and that the stream's producer is running,"
                    + " then try again.";
        }
        FrameSourceException source = find(chain, FrameSourceException.class);
        if (source != null) {
            return trimPeriod(oneLine(source.getMessage())) + ".";
        }
        Throwable root = chain.get(chain.size() - 1);
        return "The Flink job failed ("
                + root.getClass().getSimpleName()
                + ": "
                + oneLine(root.getMessage())
                + "); the log has the details.";
    }

    /** The sentence for a failed check of a stream with the AWS SDK before the job starts. */
    String preflightFailed(String stream, Throwable failure) {
        List<Throwable> chain = chain(failure);
        if (chain.stream()
                .anyMatch(
                        t ->
                                t instanceof UnknownHostException
                                        || t instanceof ConnectException
                                        || t instanceof java.net.SocketTimeoutException
                                        || t instanceof java.net.http.HttpTimeoutException)) {
            return forReason(KvsConnectionException.Reason.UNAVAILABLE, stream, "");
        }
        Throwable first = chain.get(0);
        String type = first.getClass().getSimpleName();
        String message = String.valueOf(first.getMessage());
        if (first instanceof SdkClientException
                && message.toLowerCase(java.util.Locale.ROOT).contains("credentials")) {
            return noCredentials();
        }
        switch (type) {
            case "ResourceNotFoundException":
                return forReason(KvsConnectionException.Reason.STREAM_NOT_FOUND, stream, "");
            case "NotAuthorizedException":
            case "AccessDeniedException":
                return forReason(KvsConnectionException.Reason.ACCESS_DENIED, stream, "");
            case "ClientLimitExceededException":
                return forReason(KvsConnectionException.Reason.THROTTLED, stream, "");
            case "InvalidArgumentException":
                return forReason(
                        KvsConnectionException.Reason.INVALID_ARGUMENT, stream, oneLine(message));
            default:
                break;
        }
        if (first instanceof SdkServiceException
                && ((SdkServiceException) first).statusCode() == 403) {
            return forReason(KvsConnectionException.Reason.ACCESS_DENIED, stream, "");
        }
        if (first instanceof SdkClientException) {
            return forReason(KvsConnectionException.Reason.UNAVAILABLE, stream, oneLine(message));
        }
        return "Checking stream '"
                + stream
                + "' at "
                + where
                + " failed ("
                + type
                + ": "
                + oneLine(message)
                + "); check --region, --endpoint and the stream name.";
    }

    String noCredentials() {
        return "No AWS credentials were found: " + CREDENTIALS_HINT + ", then run the demo again.";
    }

    private String forReason(KvsConnectionException.Reason reason, String stream, String detail) {
        String detailPart = detail.isEmpty() ? "" : " (" + detail + ")";
        switch (reason) {
            case STREAM_NOT_FOUND:
                return "Stream '"
                        + stream
                        + "' does not exist at "
                        + where
                        + ": check the name"
                        + (where.startsWith("region ")
                                ? " with 'aws kinesisvideo list-streams --region "
                                        + region
                                        + "' or pass the right --region."
                                : " and --endpoint.");
            case ACCESS_DENIED:
                return "Access to stream '"
                        + stream
                        + "' was denied: use AWS credentials ("
                        + CREDENTIALS_HINT
                        + ") that allow kinesisvideo:GetDataEndpoint and"
                        + " kinesisvideo:GetHLSStreamingSessionURL.";
            case THROTTLED:
                return "Kinesis Video Streams throttled the requests for stream '"
                        + stream
                        + "': read fewer streams at once or try again in a minute.";
            case INVALID_ARGUMENT:
                return "Kinesis Video Streams rejected the request for stream '"
                        + stream
                        + "'"
                        + detailPart
                        + ": check the stream name and the flags.";
            case UNSUPPORTED_MEDIA:
                return "Stream '"
                        + stream
                        + "' cannot be played over HLS"
                        + detailPart
                        + ": it needs H.264 or H.265 video and a data retention above 0 hours.";
            case NO_FRAGMENTS:
                return "Stream '"
                        + stream
                        + "' has no video in the requested time: start its producer or use a"
                        + " larger --replay-seconds.";
            case UNAVAILABLE:
            default:
                return "Could not reach Kinesis Video Streams at "
                        + where
                        + " for stream '"
                        + stream
                        + "'"
                        + detailPart
                        + ": check the network connection, --region and --endpoint, then try"
                        + " again.";
        }
    }

    /** The SDK's own words after "(REASON): ", without the connector's hint sentence. */
    private static String detailOf(String message) {
        if (message == null) {
            return "";
        }
        int at = message.lastIndexOf("): ");
        String detail = at < 0 ? "" : message.substring(at + 3);
        int hint = detail.indexOf(". ");
        return oneLine(hint < 0 ? trimPeriod(detail) : detail.substring(0, hint));
    }

    private static String streamOf(List<Throwable> chain) {
        for (Throwable t : chain) {
            String message = String.valueOf(t.getMessage());
            Matcher camera = CAMERA.matcher(message);
            if (camera.find()) {
                return camera.group(2);
            }
            Matcher stream = FOR_STREAM.matcher(message);
            if (stream.find()) {
                return stream.group(1);
            }
        }
        return "?";
    }

    /** The failure and its causes, outermost first, with Flink's serialized exceptions restored. */
    static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure;
                t != null && !seen.containsKey(t) && chain.size() < 64;
                t = t.getCause()) {
            seen.put(t, true);
            if (t instanceof SerializedThrowable) {
                Throwable restored =
                        ((SerializedThrowable) t)
                                .deserializeError(DemoErrors.class.getClassLoader());
                if (restored != t) {
                    t = restored;
                    seen.put(t, true);
                }
            }
            chain.add(t);
        }
        return chain;
    }

    private static <T extends Throwable> T find(List<Throwable> chain, Class<T> type) {
        for (Throwable t : chain) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }

    private static String trimPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
