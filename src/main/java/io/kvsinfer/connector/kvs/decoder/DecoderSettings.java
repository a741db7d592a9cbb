package io.kvsinfer.connector.kvs.decoder;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.Preconditions;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * How a {@link FragmentDecoder} decodes: container, threads, key frames only, output format and
 * size, bounds.
 */
@Internal
public final class DecoderSettings {

    private final InputFormat inputFormat;
    private final IntSupplier threads;
    private final boolean keyFramesOnly;
    private final PictureFormat pictureFormat;
    private final int outputWidth;
    private final int outputHeight;
    private final Duration maxDecodeTime;
    private final long maxFramePixels;
    private final boolean lendPictures;

    private DecoderSettings(Builder b) {
        this.inputFormat = b.inputFormat;
        this.threads = b.threads;
        this.keyFramesOnly = b.keyFramesOnly;
        this.pictureFormat = b.pictureFormat;
        this.outputWidth = b.outputWidth;
        this.outputHeight = b.outputHeight;
        this.maxDecodeTime = b.maxDecodeTime;
        this.maxFramePixels = b.maxFramePixels;
        this.lendPictures = b.lendPictures;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InputFormat inputFormat() {
        return inputFormat;
    }

    /**
     * FFmpeg decoding threads for a decoder set up now; 0 lets FFmpeg pick one per core. Asked each
     * time a decoder is set up, so an adaptive count follows the cameras of the process.
     */
    public int threads() {
        return threads.getAsInt();
    }

    public boolean keyFramesOnly() {
        return keyFramesOnly;
    }

    /** The pixel format frames are converted to. */
    public PictureFormat pictureFormat() {
        return pictureFormat;
    }

    /** Output width, or 0 for the stream's own size. */
    public int outputWidth() {
        return outputWidth;
    }

    /** Output height, or 0 for the stream's own size. */
    public int outputHeight() {
        return outputHeight;
    }

    /** Longest time one fragment may take to decode before it counts as corrupt. */
    public Duration maxDecodeTime() {
        return maxDecodeTime;
    }

    /** Largest frame (width times height) accepted from the stream. */
    public long maxFramePixels() {
        return maxFramePixels;
    }

    /**
     * Whether a frame that needs no conversion (GRAY8 at the stream's size) may hand out the
     * decoder's own picture, valid until the next frame, instead of a copy. Only for a reader that
     * copies the pixels before asking for the next frame or holds the frame: a view kept longer can
     * point at memory the decoder has freed.
     */
    public boolean lendPictures() {
        return lendPictures;
    }

    /**
     * Builder with defaults: fMP4, 1 thread, every frame, BGR24 at the source size, 30 s, 8K
     * frames, pictures copied.
     */
    public static final class Builder {
        private InputFormat inputFormat = InputFormat.FRAGMENTED_MP4;
        private IntSupplier threads = () -> 1;
        private boolean keyFramesOnly;
        private PictureFormat pictureFormat = PictureFormat.BGR24;
        private int outputWidth;
        private int outputHeight;
        private Duration maxDecodeTime = Duration.ofSeconds(30);
        private long maxFramePixels = 7680L * 4320L;
        private boolean lendPictures;

        public Builder inputFormat(InputFormat format) {
            this.inputFormat = Preconditions.checkNotNull(format, "container format");
            return this;
        }

        public Builder threads(int threads) {
            Preconditions.checkArgument(
                    threads >= 0 && threads <= 64,
                    "decoder threads must be 0 to 64, but was %s",
                    threads);
            this.threads = () -> threads;
            return this;
        }

        /** Threads decided when each decoder is set up, 1 to 64 (checked then). */
        public Builder threads(IntSupplier threads) {
            this.threads = Preconditions.checkNotNull(threads, "threads");
            return this;
        }

        public Builder keyFramesOnly(boolean keyFramesOnly) {
            this.keyFramesOnly = keyFramesOnly;
            return this;
        }

        public Builder pictureFormat(PictureFormat format) {
            this.pictureFormat = Preconditions.checkNotNull(format, "pixel format");
            return this;
        }

        public Builder outputSize(int width, int height) {
            Preconditions.checkArgument(
                    width >= 0 && height >= 0 && (width == 0) == (height == 0),
                    "output size must be both above 0 or both 0, but was %sx%s",
                    width,
                    height);
            this.outputWidth = width;
            this.outputHeight = height;
            return this;
        }

        public Builder maxDecodeTime(Duration maxDecodeTime) {
            Preconditions.checkArgument(
                    maxDecodeTime != null && !maxDecodeTime.isNegative() && !maxDecodeTime.isZero(),
                    "max decode time must be above 0, but was %s",
                    maxDecodeTime);
            this.maxDecodeTime = maxDecodeTime;
            return this;
        }

        public Builder maxFramePixels(long maxFramePixels) {
            Preconditions.checkArgument(
                    maxFramePixels > 0,
                    "max frame pixels must be above 0, but was %s",
                    maxFramePixels);
            this.maxFramePixels = maxFramePixels;
            return this;
        }

        /** See {@link DecoderSettings#lendPictures()}; off by default. */
        public Builder lendPictures(boolean lendPictures) {
            this.lendPictures = lendPictures;
            return this;
        }

        public DecoderSettings build() {
            return new DecoderSettings(this);
        }
    }
}
