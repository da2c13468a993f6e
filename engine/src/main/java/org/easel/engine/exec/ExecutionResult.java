package org.easel.engine.exec;

import java.util.List;
import java.util.Map;

/**
 * How a prompt ended: success or not, the UI outputs by node id (as history keeps them), the status
 * messages ({@code [[type, data], …]} as ComfyUI's history), which nodes ran and which were cached, and the
 * error or interrupt event data when it failed.
 */
public record ExecutionResult(boolean success, boolean interrupted, Map<String, Map<String, Object>> outputs,
                              List<List<Object>> messages, List<String> executed, List<String> cached,
                              Map<String, Object> error) {
    public String statusStr() { return success ? "success" : "error"; }

    /** A one-line reason for a failure, naming the node: for command lines and logs. */
    public String errorMessage() {
        if (error == null) return null;
        if (interrupted) return "Interrupted at node #" + error.get("node_id") + " (" + error.get("node_type") + ")";
        return "node #" + error.get("node_id") + " (" + error.get("node_type") + "): " + error.get("exception_message");
    }
}
