package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.DecoderSettings;
import io.kvsinfer.connector.kvs.decoder.InputFormat;
import io.kvsinfer.connector.kvs.decoder.PictureFormat;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.SamplingMode;

import org.apache.flink.annotation.Internal;

import java.util.function.IntSupplier;

/** The decoder settings the source options ask for. */
@Internal
final class DecoderSettingsFactory {

    private DecoderSettingsFactory() {}

    /**
     * @param adaptiveThreads decoder threads when the options leave them unset, asked as each
     *     decoder is set up
     */
    /** The decoder's name for the container the source reads. */
    static InputFormat inputFormat(KvsSourceConfig config) {
        return InputFormat.valueOf(config.containerFormat().name());
    }

    static DecoderSettings fromConfig(KvsSourceConfig config, IntSupplier adaptiveThreads) {
        DecoderSettings.Builder settings = DecoderSettings.builder();
        if (config.decoderThreads().isPresent()) {
            settings.threads(config.decoderThreads().getAsInt());
        } else {
            settings.threads(adaptiveThreads);
        }
        return settings
                // The decoder's own enums mirror the public options value for value.
                .inputFormat(inputFormat(config))
                .keyFramesOnly(config.samplingMode() == SamplingMode.KEY_FRAMES)
                .pictureFormat(PictureFormat.valueOf(config.outputPixelFormat().name()))
                .outputSize(config.outputWidth(), config.outputHeight())
                .maxDecodeTime(config.maxDecodeTime())
                .maxFramePixels(config.maxFramePixels())
                .build();
    }
}
