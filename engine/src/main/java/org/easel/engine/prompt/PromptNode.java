package org.easel.engine.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;

/**
 * One node of a prompt: its id, class type, inputs (each a {@link Link} or a literal {@link JsonNode},
 * with {@code {"__value__": […]}} already unwrapped), and the raw JSON (unknown fields kept).
 */
public final class PromptNode {
    private final String id;
    private final String classType;
    private final Map<String, Object> inputs;
    private final ObjectNode raw;

    PromptNode(String id, String classType, Map<String, Object> inputs, ObjectNode raw) {
        this.id = id;
        this.classType = classType;
        this.inputs = Collections.unmodifiableMap(inputs);
        this.raw = raw;
    }

    public String id() { return id; }
    /** May be null when the JSON had none. */
    public String classType() { return classType; }
    /** Input name → {@link Link} or literal {@link JsonNode}. */
    public Map<String, Object> inputs() { return inputs; }
    public ObjectNode raw() { return raw; }

    /** {@code _meta.title}, or null. */
    public String title() {
        JsonNode t = raw.path("_meta").path("title");
        return t.isTextual() ? t.asText() : null;
    }

    /** A client-supplied {@code is_changed} value, which overrides the node's own fingerprint. */
    public JsonNode isChangedOverride() {
        JsonNode v = raw.get("is_changed");
        return v == null || v.isNull() ? null : v;
    }

    /** A name for messages: the title if any, else the class type, plus the id. */
    public String label() {
        String t = title();
        return "#" + id + " " + (t != null ? t : classType != null ? classType : "?");
    }
}
