package org.easel.engine.prompt;

/** A link input: the value of output {@code index} of node {@code nodeId}. */
public record Link(String nodeId, int index) {
    @Override
    public String toString() { return "[\"" + nodeId + "\", " + index + "]"; }
}
