package org.easel.engine.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.easel.engine.Json;

/**
 * A workflow in ComfyUI's API ("prompt") format: node id → {@code {class_type, inputs, _meta?}}.
 * A link is a 2-element array {@code ["<node id>", <output index>]}; a literal list is wrapped as
 * {@code {"__value__": [...]}}. The original JSON is kept for metadata and history.
 */
public final class Prompt {
    private final ObjectNode json;
    private final Map<String, PromptNode> nodes;

    private Prompt(ObjectNode json, Map<String, PromptNode> nodes) {
        this.json = json;
        this.nodes = Collections.unmodifiableMap(nodes);
    }

    public static Prompt parse(String text) throws PromptFormatException {
        JsonNode tree;
        try {
            tree = Json.parse(text);
        } catch (Exception e) {
            throw new PromptFormatException("Invalid JSON: " + firstLine(e.getMessage()));
        }
        return of(tree);
    }

    /** Reads a prompt from its JSON tree. Rejects anything that is not an object of node objects. */
    public static Prompt of(JsonNode tree) throws PromptFormatException {
        if (tree == null || !tree.isObject()) {
            throw new PromptFormatException("A prompt must be a JSON object of node id → node");
        }
        ObjectNode obj = (ObjectNode) tree;
        Map<String, PromptNode> nodes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String id = e.getKey();
            JsonNode n = e.getValue();
            if (!n.isObject()) throw new PromptFormatException("Node " + id + " is not a JSON object");
            JsonNode ct = n.get("class_type");
            String classType = ct != null && ct.isTextual() ? ct.asText() : null;
            Map<String, Object> inputs = new LinkedHashMap<>();
            JsonNode in = n.get("inputs");
            if (in != null && !in.isNull()) {
                if (!in.isObject()) throw new PromptFormatException("Node " + id + ": \"inputs\" must be an object");
                for (Iterator<Map.Entry<String, JsonNode>> ii = in.fields(); ii.hasNext(); ) {
                    Map.Entry<String, JsonNode> ie = ii.next();
                    inputs.put(ie.getKey(), inputValue(ie.getValue()));
                }
            }
            nodes.put(id, new PromptNode(id, classType, inputs, (ObjectNode) n));
        }
        return new Prompt(obj, nodes);
    }

    /** ComfyUI's is_link: a list of 2 whose first is a string and second a number. */
    static Object inputValue(JsonNode v) {
        if (v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isNumber()) {
            return new Link(v.get(0).asText(), v.get(1).asInt());
        }
        if (v.isObject() && v.size() == 1 && v.has("__value__")) {
            return v.get("__value__");
        }
        return v;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    public ObjectNode json() { return json; }
    public Map<String, PromptNode> nodes() { return nodes; }
    public PromptNode node(String id) { return nodes.get(id); }
    public int size() { return nodes.size(); }
}
