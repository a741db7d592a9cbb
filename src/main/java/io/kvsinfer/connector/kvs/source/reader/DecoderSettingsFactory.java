package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.DecoderSettings;
import io.kvsinfer.connector.kvs.decoder.InputFormat;
import io.kvsinfer.connector.kvs.decoder.PictureFormat;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.SamplingMode;

import org.apache.flink.annotation.Internal;

/** The decoder settings the source options ask for. */
@Internal
final class DecoderSettingsFactory {

    private DecoderSettingsFactory() {}

    static DecoderSettings fromConfig(KvsSourceConfig config) {
        return DecoderSettings.builder()
                // The decoder's own enums mirror the public options value for value.
                .inputFormat(InputFormat.valueOf(config.containerFormat().name()))
                .threads(config.decoderThreads())
                .keyFramesOnly(config.samplingMode() == SamplingMode.KEY_FRAMES)
                .pictureFormat(PictureFormat.valueOf(config.outputPixelFormat().name()))
                .outputSize(config.outputWidth(), config.outputHeight())
                .maxDecodeTime(config.maxDecodeTime())
                .maxFramePixels(config.maxFramePixels())
                .build();
    }
}
