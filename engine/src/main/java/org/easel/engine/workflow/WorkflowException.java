package org.easel.engine.workflow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A workflow file that cannot be read or converted. The message names the node and the field (or the
 * line and column of broken JSON); {@link #nodeId()} and {@link #field()} carry them for callers that
 * report errors per node (the server's {@code node_errors}).
 */
public class WorkflowException extends Exception {
    private final String nodeId;
    private final String field;

    public WorkflowException(String message) {
        this(message, null, null);
    }

    public WorkflowException(String message, String nodeId, String field) {
        super(message);
        this.nodeId = nodeId;
        this.field = field;
    }

    /** The node the problem is in, or null. */
    public String nodeId() { return nodeId; }

    /** The field (input, widget, link…) the problem is in, or null. */
    public String field() { return field; }

    /** "not valid JSON: &lt;reason&gt; at line L, column C" for a parse failure. */
    static WorkflowException badJson(String what, JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage().split("\n")[0];
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new WorkflowException(what + " is not valid JSON: " + reason + where, null, "json");
    }
}
