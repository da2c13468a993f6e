package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One node of an editor workflow, read over its JSON object (which is kept as is, unknown keys included).
 * {@code type} is a node class name, an editor-only type ({@code Note}, {@code Reroute}, {@code PrimitiveNode}…)
 * or the id of a subgraph definition.
 */
public final class UiNode {
    /** {@code mode}: 0 always, 2 never ("muted"), 4 bypass. */
    public static final int MODE_ALWAYS = 0, MODE_NEVER = 2, MODE_BYPASS = 4;

    /** An input socket; {@code widget} names the widget it backs (a converted widget), or null. */
    public record Input(String name, String type, Long link, String widget) {}

    public record Output(String name, String type, List<Long> links) {}

    private final ObjectNode json;
    private final String id;
    private final List<Input> inputs;
    private final List<Output> outputs;

    UiNode(ObjectNode json, String where) throws WorkflowException {
        this.json = json;
        JsonNode idNode = json.get("id");
        if (idNode == null || !(idNode.isNumber() || idNode.isTextual())) {
            throw new WorkflowException(where + ": a node has no id: " + abbreviate(json), null, "id");
        }
        this.id = idText(idNode);
        if (!json.path("type").isTextual()) {
            throw new WorkflowException(where + ": node " + id + " has no type", id, "type");
        }
        List<Input> in = new ArrayList<>();
        for (JsonNode i : json.path("inputs")) {
            JsonNode l = i.get("link");
            JsonNode w = i.path("widget").get("name");
            in.add(new Input(i.path("name").asText(""), i.path("type").asText("*"),
                    l == null || l.isNull() || !(l.isNumber() || l.isTextual()) ? null : parseLink(l, where),
                    w == null || w.isNull() ? null : w.asText()));
        }
        List<Output> out = new ArrayList<>();
        for (JsonNode o : json.path("outputs")) {
            List<Long> links = new ArrayList<>();
            for (JsonNode l : o.path("links")) if (l.isNumber()) links.add(l.asLong());
            out.add(new Output(o.path("name").asText(""), o.path("type").asText("*"), links));
        }
        this.inputs = Collections.unmodifiableList(in);
        this.outputs = Collections.unmodifiableList(out);
    }

    private Long parseLink(JsonNode l, String where) throws WorkflowException {
        if (l.isNumber()) return l.asLong();
        try {
            return Long.parseLong(l.asText().trim());
        } catch (NumberFormatException e) {
            throw new WorkflowException(where + ": node " + id + " has input link '" + l.asText() + "', not a link id", id, "inputs");
        }
    }

    /** A node id as text: integral numbers without a fraction, strings as they are. */
    static String idText(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return v.canConvertToExactIntegral() || v.isIntegralNumber() ? Long.toString(v.asLong()) : v.asText();
        return v.asText();
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    public ObjectNode json() { return json; }
    public String id() { return id; }
    public String type() { return json.get("type").asText(); }
    public int mode() { return json.path("mode").asInt(MODE_ALWAYS); }
    /** The title the user gave, or null when the node shows its class's display name. */
    public String title() { return json.path("title").isTextual() ? json.get("title").asText() : null; }
    public List<Input> inputs() { return inputs; }
    public List<Output> outputs() { return outputs; }
    /** The stored widget values: an array (normally), an object (some custom nodes) or missing. */
    public JsonNode widgetsValues() { return json.path("widgets_values"); }
    public JsonNode properties() { return json.path("properties"); }
    /** {@code pos} as {x, y}, from {@code [x, y]} or {@code {"0": x, "1": y}}. */
    public double[] pos() { return vector(json.get("pos")); }
    public double[] size() { return vector(json.get("size")); }

    /** Reads {@code [a, b]} or {@code {"0": a, "1": b}}; zeros when missing. */
    static double[] vector(JsonNode v) {
        if (v == null) return new double[2];
        if (v.isArray()) return new double[] {v.path(0).asDouble(), v.path(1).asDouble()};
        if (v.isObject()) return new double[] {v.path("0").asDouble(), v.path("1").asDouble()};
        return new double[2];
    }

    /** "node 5 (KSampler)" or "node 5 'My title' (KSampler)" for messages. */
    public String label() {
        return "node " + id + (title() == null ? "" : " '" + title() + "'") + " (" + type() + ")";
    }

    @Override
    public String toString() { return label(); }
}
