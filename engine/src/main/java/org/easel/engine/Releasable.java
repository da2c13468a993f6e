package org.easel.engine;

/**
 * A shared service (see {@link Environment#service}) that holds memory it can rebuild on demand, such as
 * loaded model sessions. {@link Environment#release()} calls every such service; the server's
 * {@code POST /free} with {@code unload_models} and {@code Easel.free} go through it.
 */
public interface Releasable {
    /** Frees what is not in use right now; later calls load it again when needed. */
    void release();
}
