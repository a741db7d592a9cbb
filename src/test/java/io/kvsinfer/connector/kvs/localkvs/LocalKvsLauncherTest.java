package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The standalone command line. */
class LocalKvsLauncherTest {

    private static final LocalKvsLauncher.MediaFactory TEST_MEDIA =
            new LocalKvsLauncher.MediaFactory() {
                @Override
                public FragmentedMedia synthetic(int width, int height, int fps) {
                    return new TestMedia("syn", 3, 200, "V_MPEG/ISO/AVC", width, height);
                }

                @Override
                public FragmentedMedia file(Path path) {
                    return new TestMedia("file", 3, 200);
                }
            };

    @Test
    void parsesEveryOption() {
        LocalKvsLauncher.Options o =
                LocalKvsLauncher.parse(
                        new String[] {
                            "--port",
                            "4567",
                            "--streams",
                            "cam-1,cam-2",
                            "--size",
                            "640x360",
                            "--fps",
                            "10",
                            "--audio",
                            "on",
                            "--host",
                            "127.0.0.1"
                        });
        assertThat(o)
                .isEqualTo(
                        new LocalKvsLauncher.Options(
                                "127.0.0.1",
                                4567,
                                List.of("cam-1", "cam-2"),
                                640,
                                360,
                                10,
                                null,
                                true));
        assertThat(LocalKvsLauncher.parse(new String[0]).port()).isEqualTo(4566);
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--port"}))
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--port", "x"}))
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--size", "big"}))
                .hasMessageContaining("1280x720");
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--fps", "0"}))
                .hasMessageContaining("--fps");
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--file", "/no/such.mp4"}))
                .hasMessageContaining("--file");
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--audio", "yes"}))
                .hasMessageContaining("--audio must be on or off");
        assertThatThrownBy(() -> LocalKvsLauncher.parse(new String[] {"--bogus", "1"}))
                .hasMessageContaining("usage");
    }

    @Test
    void startsALiveCameraPerStream() throws Exception {
        LocalKvsLauncher.Options o =
                LocalKvsLauncher.parse(
                        new String[] {"--port", "0", "--streams", "a,b", "--size", "320x240"});
        try (LocalKvs kvs = LocalKvsLauncher.start(o, TEST_MEDIA);
                KvsTestClients clients = new KvsTestClients(kvs)) {
            assertThat(kvs.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(kvs.streamNames()).containsExactly("a", "b");
            Thread.sleep(450);
            String url = clients.sessionUrl(b -> b.streamName("b"));
            assertThat(clients.getText(url)).contains("RESOLUTION=320x240");
        }
    }
}
