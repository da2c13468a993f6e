package org.easel.engine.exec;

import java.util.Map;

/**
 * Receives the engine's events, named and shaped as ComfyUI's WebSocket messages: {@code execution_start},
 * {@code execution_cached}, {@code executing}, {@code progress}, {@code executed}, {@code execution_success},
 * {@code execution_error}, {@code execution_interrupted}. Called on the executing thread: keep it quick.
 */
public interface ExecutionListener {
    void onEvent(String type, Map<String, Object> data);

    /** A preview picture from a running node (e.g. the sampler's latent preview). */
    default void onPreview(String promptId, String nodeId, byte[] encoded, String mimeType) {}

    /** Whether previews are wanted at all (nodes skip making them when not). */
    default boolean wantsPreviews() { return false; }

    ExecutionListener NONE = (type, data) -> {};
}
