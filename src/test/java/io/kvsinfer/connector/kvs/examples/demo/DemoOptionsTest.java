package io.kvsinfer.connector.kvs.examples.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void noArgumentsMeansTheBuiltInCameras() {
        DemoOptions options = DemoOptions.parse(new String[0]);
        assertThat(options.builtIn()).isTrue();
        assertThat(options.bounded()).isFalse();
        assertThat(options.maxFrames).isZero();
    }

    @Test
    void readsEveryFlag() {
        DemoOptions options =
                DemoOptions.parse(
                        new String[] {
                            "--stream-name",
                            "front",
                            "--camera",
                            "back=arn:aws:kinesisvideo:eu-west-1:123456789012:stream/back/1",
                            "--region=eu-west-1",
                            "--endpoint",
                            "http://127.0.0.1:4566",
                            "--fps",
                            "2.5",
                            "--size",
                            "320x180",
                            "--replay-seconds",
                            "60",
                            "--max-frames",
                            "7",
                            "--out",
                            "/tmp/x"
                        });
        assertThat(options.cameras)
                .containsExactly(
                        Map.entry("front", "front"),
                        Map.entry(
                                "back",
                                "arn:aws:kinesisvideo:eu-west-1:123456789012:stream/back/1"));
        assertThat(options.region).isEqualTo("eu-west-1");
        assertThat(options.endpoint).isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThat(options.fps).isEqualTo(2.5);
        assertThat(options.width).isEqualTo(320);
        assertThat(options.height).isEqualTo(180);
        assertThat(options.replaySeconds).isEqualTo(60);
        assertThat(options.maxFrames).isEqualTo(7);
        assertThat(DemoOptions.parse(new String[] {"--keyframes-only"}).keyFramesOnly).isTrue();
        assertThat(DemoOptions.parse(new String[] {"--help"}).help).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--nope                          | Unknown option '--nope'; run-demo.sh --help"
                        + " shows the options.",
                "--max-frames                    | --max-frames needs a value; run-demo.sh --help"
                        + " shows the options.",
                "--max-frames 0                  | --max-frames must be at least 1, but was 0.",
                "--max-frames ten                | --max-frames must be a whole number, but was"
                        + " 'ten'.",
                "--size 640                      | --size must look like 640x360 (width x height),"
                        + " but was '640'.",
                "--fps -1                        | --fps must be a number above 0 and at most 1000,"
                        + " but was '-1'.",
                "--fps 5 --keyframes-only        | --fps and --keyframes-only exclude each other;"
                        + " use one of them.",
                "--region us-east-1              | --region needs the streams to read: add"
                        + " --stream-name NAME or --camera ID=STREAM.",
                "--camera front                  | --camera must look like cam-1=my-stream (camera"
                        + " id = stream name or ARN), but was 'front'.",
                "--stream-name a --stream-name a | Camera 'a' is given twice; give each stream once"
                        + " or name the cameras with --camera ID=STREAM.",
                "--endpoint localhost:4566       | --endpoint must be a URL such as"
                        + " http://127.0.0.1:4566, but was 'localhost:4566'.",
                "--replay-seconds 0              | --replay-seconds must be from 1 to 604800, but"
                        + " was 0.",
            })
    void mistakesAreOneSentence(String args, String message) {
        assertThatThrownBy(() -> DemoOptions.parse(args.trim().split("\\s+")))
                .isInstanceOf(DemoOptions.UsageException.class)
                .hasMessage(message);
    }
}
