package org.easel.engine;

import org.easel.engine.schema.NodeSchema;

/**
 * A node type. Adding a node means one class implementing this interface and one line naming it in
 * {@code META-INF/services/org.easel.engine.Node}. Implementations are stateless singletons: the same
 * instance may run for many prompts, one at a time.
 *
 * <p>Outputs must be immutable (or treated as such): they are cached and shared between runs.
 */
public interface Node {
    /** The node's declared inputs and outputs; must return the same schema every time. */
    NodeSchema schema();

    /** Runs the node. Inputs are validated and coerced to their declared types. */
    NodeOutput execute(NodeContext ctx, NodeInputs inputs) throws Exception;

    /**
     * ComfyUI's IS_CHANGED: a fingerprint of outside state this node reads (e.g. a file's hash), part of
     * the cache key. Called before execution with the literal (widget) inputs only; linked inputs are absent.
     * Return {@code null} when nothing outside matters, {@link #ALWAYS_CHANGED} to re-run every time.
     */
    default Object fingerprint(NodeInputs literals, Environment env) throws Exception {
        return null;
    }

    /**
     * ComfyUI's VALIDATE_INPUTS: extra checks on the literal inputs before anything runs (linked inputs
     * are absent). Return {@code null} if valid, else the reason shown to the user.
     */
    default String validate(NodeInputs literals, Environment env) {
        return null;
    }

    /** Fingerprint meaning "outside state always changed": the node re-runs every time. */
    Object ALWAYS_CHANGED = new Object() {
        @Override
        public String toString() { return "ALWAYS_CHANGED"; }
    };
}
