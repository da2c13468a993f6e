package org.easel.engine;

/** Thrown inside a node when the running prompt is interrupted. */
public class ExecutionInterruptedException extends RuntimeException {
    public ExecutionInterruptedException() {
        super("Processing interrupted");
    }
}
