package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.media.FileMedia;
import io.kvsinfer.connector.kvs.localkvs.media.FragmentedMedia;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSTimestampRange;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression: media whose fragments start with a composition offset (B-frames, as the H.265 and the
 * Matroska H.264 fixtures have) made the master playlist and ListFragments answer 500, because
 * fragment sizes were measured by re-timing fragments to time 0, which such fragments refuse.
 */
class LocalKvsBFrameMediaTest {

    private static final long T = 1_700_000_000_000L;

    @ParameterizedTest
    @ValueSource(strings = {"h265-320x240-15fps.mp4", "h264-bframes-320x240-15fps.mkv"})
    void masterPlaylistAndListFragmentsServeMediaWithBFrames(String fixture) throws Exception {
        FragmentedMedia media = FileMedia.load(Path.of("src/test/resources/fixtures", fixture));
        try (LocalKvs localKvs =
                        LocalKvs.builder().clock(new ManualClock(T + 60_000)).build().start();
                KvsTestClients clients = new KvsTestClients(localKvs)) {
            localKvs.createStream("b").appendArchived(media, T, 3);

            String url =
                    clients.sessionUrl(
                            b ->
                                    b.streamName("b")
                                            .playbackMode("ON_DEMAND")
                                            .hlsFragmentSelector(
                                                    s ->
                                                            s.fragmentSelectorType(
                                                                            "PRODUCER_TIMESTAMP")
                                                                    .timestampRange(
                                                                            range(T, T + 6_000))));
            String master = clients.getText(url);
            Matcher bandwidth = Pattern.compile("BANDWIDTH=(\\d+)").matcher(master);
            assertThat(bandwidth.find()).as(master).isTrue();
            long bitsPerSecond = Long.parseLong(bandwidth.group(1));

            // FragmentSizeInBytes is the size of the fMP4 fragment the session serves.
            List<Fragment> fragments =
                    clients.media.listFragments(b -> b.streamName("b")).fragments();
            assertThat(fragments).hasSize(3);
            String mediaUrl = KvsTestClients.mediaPlaylistUrl(url, master);
            List<String> uris = new Playlist(clients.getText(mediaUrl)).uris();
            long peak = 0;
            for (int i = 0; i < 3; i++) {
                byte[] served = clients.get(KvsTestClients.resolve(mediaUrl, uris.get(i))).body();
                assertThat(fragments.get(i).fragmentSizeInBytes()).isEqualTo(served.length);
                peak =
                        Math.max(
                                peak,
                                served.length
                                        * 8_000L
                                        / fragments.get(i).fragmentLengthInMilliseconds());
            }
            assertThat(bitsPerSecond).isEqualTo(peak);
        }
    }

    /**
     * The range from {@code from} to {@code to}, for the SDK's builder (keeps the nested lambdas
     * short).
     */
    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            Instant from, Instant to) {
        return r -> r.startTimestamp(from).endTimestamp(to);
    }

    private static java.util.function.Consumer<HLSTimestampRange.Builder> range(
            long fromMillis, long toMillis) {
        return range(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    }
}
