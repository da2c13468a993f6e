package org.easel.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request that cannot be served: the status and the JSON body to answer with. */
final class HttpError extends RuntimeException {
    final int status;
    final Object body;

    HttpError(int status, Object body) {
        super(String.valueOf(body), null, false, false);
        this.status = status;
        this.body = body;
    }

    /** {@code {"error": message}}. */
    static HttpError of(int status, String message) {
        return new HttpError(status, Map.of("error", message));
    }

    /** ComfyUI's {@code POST /prompt} error shape: {@code {"error": {type, message, details, extra_info}, "node_errors": {}}}. */
    static HttpError prompt(String type, String message, String details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("message", message);
        e.put("details", details);
        e.put("extra_info", Map.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e);
        m.put("node_errors", Map.of());
        return new HttpError(400, m);
    }
}
