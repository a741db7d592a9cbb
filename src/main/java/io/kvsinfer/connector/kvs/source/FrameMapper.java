package io.kvsinfer.connector.kvs.source;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Turns a decoded frame into the record the source emits. It runs on the camera's fetcher thread
 * while the decoder's buffer is still valid, so a mapper that extracts only what it needs (a
 * resized grayscale array, a few statistics) saves the full-frame copy.
 *
 * @param <T> the record type
 */
@PublicEvolving
@FunctionalInterface
public interface FrameMapper<T> extends Serializable {

    /** Maps one frame; returning null drops the frame. */
    T map(CameraFrame frame) throws Exception;
}
