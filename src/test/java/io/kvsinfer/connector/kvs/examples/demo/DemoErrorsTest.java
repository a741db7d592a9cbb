package io.kvsinfer.connector.kvs.examples.demo;

import io.kvsinfer.connector.kvs.source.FrameSourceException;
import io.kvsinfer.connector.kvs.source.KvsConnectionException;

import org.apache.flink.util.SerializedThrowable;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class DemoErrorsTest {

    private final DemoErrors aws = new DemoErrors("eu-west-1", null);

    /** As Flink hands a source failure to the client: wrapped, and serialized on the way. */
    private static Throwable asFlinkWouldWrap(Throwable sourceFailure) {
        return new RuntimeException(
                "org.apache.flink.runtime.client.JobExecutionException: Job execution failed.",
                new RuntimeException(
                        "One or more fetchers have encountered exception",
                        new SerializedThrowable(sourceFailure)));
    }

    @Test
    void findsTheConnectionFailureDeepInFlinksWrapping() {
        KvsConnectionException inner =
                new KvsConnectionException(
                        KvsConnectionException.Reason.ACCESS_DENIED,
                        "GetHLSStreamingSessionURL for stream lobby failed (ACCESS_DENIED):"
                                + " NotAuthorizedException: nope. Check the credentials.");
        FrameSourceException exhausted =
                new FrameSourceException(
                        "Camera lobby-cam (stream lobby) failed 5 times in a row"
                                + " (max-consecutive-errors 5); last error: "
                                + inner.getMessage(),
                        inner);

        assertThat(aws.jobFailed(asFlinkWouldWrap(exhausted)))
                .isEqualTo(
                        "Access to stream 'lobby' was denied: use AWS credentials (run 'aws"
                            + " configure', set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and"
                            + " AWS_SECRET_ACCESS_KEY) that allow kinesisvideo:GetDataEndpoint and"
                            + " kinesisvideo:GetHLSStreamingSessionURL.");
    }

    @Test
    void namesTheRegionForAnUnknownStream() {
        KvsConnectionException e =
                new KvsConnectionException(
                        KvsConnectionException.Reason.STREAM_NOT_FOUND,
                        "Camera c (stream door): GetHLSStreamingSessionURL for stream door failed"
                                + " (STREAM_NOT_FOUND): x");
        assertThat(aws.jobFailed(asFlinkWouldWrap(e)))
                .isEqualTo(
                        "Stream 'door' does not exist at region eu-west-1: check the name with 'aws"
                                + " kinesisvideo list-streams --region eu-west-1' or pass the right"
                                + " --region.");
    }

    @Test
    void preflightErrorsSayWhatToDo() {
        assertThat(
                        aws.preflightFailed(
                                "door",
                                SdkClientException.create(
                                        "Unable to execute HTTP request",
                                        new ConnectException("Connection refused"))))
                .isEqualTo(
                        "Could not reach Kinesis Video Streams at region eu-west-1 for stream"
                            + " 'door': check the network connection, --region and --endpoint, then"
                            + " try again.");
        assertThat(
                        aws.preflightFailed(
                                "door",
                                SdkClientException.create(
                                        "Unable to load credentials from any of"
                                                + " the providers in the chain")))
                .startsWith("No AWS credentials were found: run 'aws configure'");
    }

    @Test
    void anythingElseIsStillOneLine() {
        String sentence =
                aws.jobFailed(
                        new RuntimeException(
                                "outer", new IllegalStateException("line one\nline two")));
        assertThat(sentence)
                .isEqualTo(
                        "The Flink job failed (IllegalStateException: line one line two); the log"
                                + " has the details.");
    }
}
