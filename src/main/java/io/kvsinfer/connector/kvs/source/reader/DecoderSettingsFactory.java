package io.kvsinfer.connector.kvs.source.reader;

import io.kvsinfer.connector.kvs.decoder.DecoderSettings;
import io.kvsinfer.connector.kvs.decoder.InputFormat;
import io.kvsinfer.connector.kvs.decoder.PictureFormat;
import io.kvsinfer.connector.kvs.source.FrameMapper;
import io.kvsinfer.connector.kvs.source.config.KvsSourceConfig;
import io.kvsinfer.connector.kvs.source.config.SamplingMode;

import org.apache.flink.annotation.Internal;

import java.util.function.IntSupplier;

/** The decoder settings the source options ask for. */
@Internal
final class DecoderSettingsFactory {

    private DecoderSettingsFactory() {}

    /** The decoder's name for the container the source reads. */
    static InputFormat inputFormat(KvsSourceConfig config) {
        return InputFormat.valueOf(config.containerFormat().name());
    }

    /** Decoder settings for a mapper that may keep a frame's pixel view: pictures are copied. */
    static DecoderSettings fromConfig(KvsSourceConfig config, IntSupplier adaptiveThreads) {
        return fromConfig(config, adaptiveThreads, false);
    }

    /**
     * @param adaptiveThreads decoder threads when the options leave them unset, asked as each
     *     decoder is set up
     * @param mapper the source's frame mapper: the decoder lends its own pictures (see {@link
     *     DecoderSettings#lendPictures()}) only to the default one, which copies the pixels during
     *     its call; a user's mapper might keep the pixel view longer
     */
    static DecoderSettings fromConfig(
            KvsSourceConfig config, IntSupplier adaptiveThreads, FrameMapper<?> mapper) {
        return fromConfig(config, adaptiveThreads, mapper instanceof RecyclingFrameMapper);
    }

    private static DecoderSettings fromConfig(
            KvsSourceConfig config, IntSupplier adaptiveThreads, boolean mapperCopiesPixels) {
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
                .lendPictures(mapperCopiesPixels)
                .build();
    }
}
