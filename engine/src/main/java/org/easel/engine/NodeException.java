package org.easel.engine;

/** A clear, user-facing failure of one node, optionally about one input. */
public class NodeException extends RuntimeException {
    private final String nodeId;
    private final String classType;
    private final String input;

    public NodeException(String nodeId, String classType, String input, String message) {
        super(message);
        this.nodeId = nodeId;
        this.classType = classType;
        this.input = input;
    }

    public NodeException(String message) {
        this(null, null, null, message);
    }

    public String nodeId() { return nodeId; }
    public String classType() { return classType; }
    public String input() { return input; }
}
