package org.easel.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;

/** ComfyUI's HistoryEntry JSON and the error messages recorded when a prompt cannot run. */
final class HistoryEntries {
    private HistoryEntries() {}

    static String entry(ArrayNode tuple, Map<String, ? extends Map<String, Object>> outputs, String statusStr, boolean completed,
                        List<List<Object>> messages) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status_str", statusStr);
        status.put("completed", completed);
        status.put("messages", messages);
        Map<String, Object> meta = new LinkedHashMap<>();
        for (String id : outputs.keySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", id);
            m.put("display_node", id);
            m.put("parent_node", null);
            m.put("real_node_id", id);
            meta.put(id, m);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("prompt", tuple);
        e.put("outputs", outputs);
        e.put("status", status);
        e.put("meta", meta);
        return Json.write(e);
    }

    /** An {@code execution_error} message that names no node (the prompt as a whole could not run). */
    static Map<String, Object> promptError(String promptId, String type, String message) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("prompt_id", promptId);
        d.put("node_id", null);
        d.put("node_type", null);
        d.put("executed", List.of());
        d.put("exception_message", message);
        d.put("exception_type", type);
        d.put("traceback", List.of());
        d.put("current_inputs", Map.of());
        d.put("current_outputs", List.of());
        d.put("timestamp", System.currentTimeMillis());
        return d;
    }
}
