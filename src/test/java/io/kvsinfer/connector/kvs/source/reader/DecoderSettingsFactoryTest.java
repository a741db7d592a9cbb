package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.DecoderSettings;
import io.kvsinfer.connector.kvs.decoder.PictureFormat;
import io.kvsinfer.connector.kvs.source.CameraFrame;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.KvsSourceOptions;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DecoderSettingsFactoryTest {

    @Test
    void theDecoderGetsTheBoundsTheOptionsSet() {
        Configuration conf = new Configuration();
        conf.set(KvsSourceOptions.MAX_DECODE_TIME, Duration.ofSeconds(7));
        conf.set(KvsSourceOptions.MAX_FRAME_PIXELS, 1920L * 1080L);
        conf.set(KvsSourceOptions.DECODER_THREADS, 2);
        DecoderSettings settings =
                DecoderSettingsFactory.fromConfig(new KvsSourceConfig(conf), () -> 5);
        assertThat(settings.maxDecodeTime()).isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.maxFramePixels()).isEqualTo(1920L * 1080L);
        assertThat(settings.threads()).isEqualTo(2);
        assertThat(settings.pictureFormat()).isEqualTo(PictureFormat.BGR24);
        conf.setString("source.kvs.output.pixel-format", "GRAY8");
        assertThat(
                        DecoderSettingsFactory.fromConfig(new KvsSourceConfig(conf), () -> 5)
                                .pictureFormat())
                .isEqualTo(PictureFormat.GRAY8);
        assertThat(
                        DecoderSettingsFactory.fromConfig(
                                        new KvsSourceConfig(new Configuration()), () -> 5)
                                .maxFramePixels())
                .isEqualTo(7680L * 4320L);
    }

    @Test
    void decodersLendTheirOwnPicturesOnlyToTheDefaultMapperWhichCopiesDuringItsCall() {
        KvsSourceConfig config = new KvsSourceConfig(new Configuration());
        assertThat(
                        DecoderSettingsFactory.fromConfig(
                                        config, () -> 1, new PooledVideoFrameMapper())
                                .lendPictures())
                .isTrue();
        FrameMapper<Long> keepsTheView = CameraFrame::timestampMillis;
        assertThat(DecoderSettingsFactory.fromConfig(config, () -> 1, keepsTheView).lendPictures())
                .as("a user's mapper may keep the pixel view")
                .isFalse();
        assertThat(DecoderSettingsFactory.fromConfig(config, () -> 1).lendPictures()).isFalse();
    }

    @Test
    void unsetThreadsAreAskedOfTheReaderAsEachDecoderIsSetUpAndASetCountWins() {
        java.util.concurrent.atomic.AtomicInteger adaptive =
                new java.util.concurrent.atomic.AtomicInteger(2);
        DecoderSettings unset =
                DecoderSettingsFactory.fromConfig(
                        new KvsSourceConfig(new Configuration()), adaptive::get);
        assertThat(unset.threads()).isEqualTo(2);
        adaptive.set(1);
        assertThat(unset.threads()).as("asked again for the next decoder").isEqualTo(1);

        Configuration conf = new Configuration();
        conf.set(KvsSourceOptions.DECODER_THREADS, 0);
        assertThat(
                        DecoderSettingsFactory.fromConfig(new KvsSourceConfig(conf), adaptive::get)
                                .threads())
                .as("0 (FFmpeg's own choice) is a setting too")
                .isZero();
    }
}
