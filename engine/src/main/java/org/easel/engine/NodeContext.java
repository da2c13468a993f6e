package org.easel.engine;

import com.fasterxml.jackson.databind.JsonNode;

/** What a running node may ask of the engine: where it is, progress and previews, interrupts. */
public interface NodeContext {
    String promptId();
    String nodeId();
    Environment env();
    /** The prompt being executed (ComfyUI API format), for metadata such as PNG text chunks. */
    JsonNode prompt();
    /** {@code extra_data.extra_pnginfo}, or null. */
    JsonNode extraPngInfo();

    /** Reports progress (e.g. a sampler step) and throws if the prompt was interrupted. */
    void progress(long value, long max);

    /** Sends a preview picture (JPEG or PNG bytes) to whoever watches; cheap no-op when nobody does. */
    void preview(byte[] encoded, String mimeType);

    /** True when somebody watches previews, so a node can skip making them. */
    boolean wantsPreviews();

    /** Throws {@link ExecutionInterruptedException} if the prompt was interrupted. */
    void checkInterrupted();
}
