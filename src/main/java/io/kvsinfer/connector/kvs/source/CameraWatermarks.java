package io.kvsinfer.connector.kvs.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.Preconditions;

import java.time.Duration;

/**
 * Watermarks for camera frames that leave silent cameras idle.
 *
 * <p>The source marks a camera without producer idle at once. Flink's own periodic generators (such
 * as {@link WatermarkStrategy#forBoundedOutOfOrderness}) emit a watermark every interval even when
 * nothing changed, and every emitted watermark makes the camera's output active again, so a silent
 * camera would hold back event time (and, with watermark alignment, pause every other camera) until
 * {@code withIdleness} times out. This strategy emits a watermark with each frame that advances it
 * and never otherwise, so the source's idle marking holds and needs no timeout, and watermark
 * alignment sees each camera's progress at once. Frames of one camera arrive in timestamp order; a
 * positive out-of-orderness only matters for frames merged from elsewhere.
 *
 * <pre>{@code
 * env.fromSource(source,
 *         CameraWatermarks.<VideoFrame>forCameras(Duration.ZERO)
 *                 .withWatermarkAlignment("cameras", Duration.ofSeconds(10)),
 *         "cameras");
 * }</pre>
 */
@PublicEvolving
public final class CameraWatermarks {

    private CameraWatermarks() {}

    /**
     * Watermarks trailing each camera's newest frame by {@code maxOutOfOrderness}, emitted only on
     * progress.
     */
    public static <T> WatermarkStrategy<T> forCameras(Duration maxOutOfOrderness) {
        Preconditions.checkArgument(
                maxOutOfOrderness != null && !maxOutOfOrderness.isNegative(),
                "maxOutOfOrderness must be zero or positive, was %s",
                maxOutOfOrderness);
        long delayMillis = maxOutOfOrderness.toMillis();
        return context -> new AdvancingWatermarks<>(delayMillis);
    }

    /**
     * Bounded out-of-orderness, emitted as frames arrive and never while the watermark stands
     * still.
     */
    static final class AdvancingWatermarks<T> implements WatermarkGenerator<T> {
        private final long delayMillis;
        private long lastEmitted = Long.MIN_VALUE;

        AdvancingWatermarks(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            // On every frame, not periodically: alignment pauses a camera as soon as its watermark
            // passes the group's limit, not up to one watermark interval (and many frames) later.
            long watermark = eventTimestamp - delayMillis - 1;
            if (watermark > lastEmitted) {
                lastEmitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // Nothing: emitting an unchanged watermark would make an idle camera active again.
        }
    }
}
