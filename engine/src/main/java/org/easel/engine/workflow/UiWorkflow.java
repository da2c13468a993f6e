package org.easel.engine.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.easel.engine.Json;

/**
 * A workflow in ComfyUI's editor ("UI") format, schema 0.4 ({@code last_node_id}, links as 6-element
 * arrays, reroutes in {@code extra}) or version 1 ({@code state}, links as objects, top-level
 * {@code reroutes}), with subgraph {@code definitions}. The JSON tree is kept underneath, so every key this
 * class does not know about survives a read/write round trip.
 */
public final class UiWorkflow {
    private final ObjectNode json;
    private final UiGraph root;
    private final Map<String, UiGraph> subgraphs;

    private UiWorkflow(ObjectNode json) throws WorkflowException {
        this.json = json;
        this.root = new UiGraph(json, "workflow");
        Map<String, UiGraph> defs = new LinkedHashMap<>();
        collect(json, defs);
        LegacyGroupNodes.collect(json, defs);
        this.subgraphs = Collections.unmodifiableMap(defs);
    }

    private static void collect(JsonNode graph, Map<String, UiGraph> into) throws WorkflowException {
        for (JsonNode d : graph.path("definitions").path("subgraphs")) {
            if (!d.isObject() || !d.path("id").isTextual()) {
                throw new WorkflowException("a subgraph definition has no id", null, "definitions");
            }
            String id = d.get("id").asText();
            if (!into.containsKey(id)) {
                into.put(id, new UiGraph((ObjectNode) d, "subgraph '" + d.path("name").asText(id) + "'"));
                collect(d, into);
            }
        }
    }

    /** Parses editor JSON text. */
    public static UiWorkflow parse(String text) throws WorkflowException {
        try {
            return of(Json.parse(text));
        } catch (JsonProcessingException e) {
            throw WorkflowException.badJson("the workflow", e);
        }
    }

    /** Reads an editor workflow from its JSON tree (kept, not copied). */
    public static UiWorkflow of(JsonNode tree) throws WorkflowException {
        if (tree == null || !tree.isObject()) throw new WorkflowException("an editor workflow must be a JSON object");
        if (!looksLike(tree)) throw new WorkflowException("not an editor workflow: it has no \"nodes\" array", null, "nodes");
        JsonNode v = tree.get("version");
        if (v != null && !v.isNull() && !v.isNumber()) {
            throw new WorkflowException("the workflow's \"version\" must be a number (0.4 or 1), got " + v, null, "version");
        }
        return new UiWorkflow((ObjectNode) tree);
    }

    /** True for an editor workflow (a {@code nodes} array), as opposed to an API prompt. */
    public static boolean looksLike(JsonNode tree) {
        return tree != null && tree.isObject() && tree.path("nodes").isArray();
    }

    public ObjectNode json() { return json; }
    public UiGraph graph() { return root; }
    /** Every subgraph definition, nested ones included, by id (the {@code type} of its instance nodes). */
    public Map<String, UiGraph> subgraphs() { return subgraphs; }
    public boolean isVersion1() { return json.path("version").asDouble(0.4) == 1.0; }

    /** The JSON text, indented as the editor saves it. */
    public String write() {
        return JsonText.pretty(json);
    }

    /**
     * The same workflow in version 1: {@code state} counters, links as objects (with their reroute
     * {@code parentId} from {@code extra.linkExtensions}), {@code reroutes} at the top level.
     */
    public UiWorkflow toVersion1() throws WorkflowException {
        if (isVersion1()) return this;
        ObjectNode j = json.deepCopy();
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.put("lastGroupId", maxId(j.path("groups")));
        state.set("lastNodeId", j.has("last_node_id") ? j.get("last_node_id") : JsonNodeFactory.instance.numberNode(maxId(j.path("nodes"))));
        state.set("lastLinkId", j.has("last_link_id") ? j.get("last_link_id") : JsonNodeFactory.instance.numberNode(0));
        ObjectNode extra = j.path("extra").isObject() ? (ObjectNode) j.get("extra") : null;
        JsonNode reroutes = extra == null ? null : extra.remove("reroutes");
        state.put("lastRerouteId", reroutes == null ? 0 : maxId(reroutes));
        Map<Long, JsonNode> parents = new LinkedHashMap<>();
        JsonNode ext = extra == null ? null : extra.remove("linkExtensions");
        if (ext != null) for (JsonNode e : ext) parents.put(e.path("id").asLong(), e.get("parentId"));
        ArrayNode links = JsonNodeFactory.instance.arrayNode();
        for (UiLink l : root.links().values()) {
            ObjectNode o = links.addObject();
            o.set("id", number(l.id()));
            putId(o, "origin_id", l.originId());
            o.put("origin_slot", l.originSlot());
            putId(o, "target_id", l.targetId());
            o.put("target_slot", l.targetSlot());
            o.put("type", l.type());
            if (parents.get(l.id()) != null) o.set("parentId", parents.get(l.id()));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        j.fields().forEachRemaining(e -> {
            switch (e.getKey()) {
                case "last_node_id", "last_link_id" -> { }
                case "links" -> out.set("links", links);
                case "version" -> { }
                default -> out.set(e.getKey(), e.getValue());
            }
        });
        if (!out.has("links")) out.set("links", links);
        out.set("state", state);
        if (reroutes != null) out.set("reroutes", reroutes);
        out.put("version", 1);
        return of(out);
    }

    /** The same workflow in schema 0.4, which is what ComfyUI's editor saves. */
    public UiWorkflow toVersion04() throws WorkflowException {
        if (!isVersion1()) return this;
        ObjectNode j = json.deepCopy();
        JsonNode state = j.remove("state");
        ArrayNode links = JsonNodeFactory.instance.arrayNode();
        ArrayNode ext = JsonNodeFactory.instance.arrayNode();
        for (JsonNode lo : json.path("links")) {
            if (!lo.isObject()) continue;
            UiLink l = UiLink.of(lo, "workflow");
            ArrayNode a = links.addArray();
            a.add(number(l.id()));
            addId(a, l.originId());
            a.add(l.originSlot());
            addId(a, l.targetId());
            a.add(l.targetSlot());
            a.add(l.type());
            if (lo.has("parentId")) ext.addObject().<ObjectNode>set("id", number(l.id())).set("parentId", lo.get("parentId"));
        }
        ObjectNode extra = j.path("extra").isObject() ? (ObjectNode) j.get("extra") : j.putObject("extra");
        JsonNode reroutes = j.remove("reroutes");
        if (reroutes != null && reroutes.size() > 0) extra.set("reroutes", reroutes);
        if (!ext.isEmpty()) extra.set("linkExtensions", ext);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (j.has("id")) out.set("id", j.get("id"));
        if (j.has("revision")) out.set("revision", j.get("revision"));
        out.set("last_node_id", state != null && state.has("lastNodeId") ? state.get("lastNodeId")
                : JsonNodeFactory.instance.numberNode(maxId(j.path("nodes"))));
        out.set("last_link_id", state != null && state.has("lastLinkId") ? state.get("lastLinkId")
                : JsonNodeFactory.instance.numberNode(0));
        j.fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) out.set(e.getKey(), e.getKey().equals("links") ? links : e.getValue());
        });
        if (!out.has("links")) out.set("links", links);
        out.put("version", 0.4);
        return of(out);
    }

    /** Rewrites every {@code pos}/{@code size} given as {@code {"0": x, "1": y}} into {@code [x, y]} (in place). */
    public UiWorkflow normalizeVectors() {
        normalize(json);
        return this;
    }

    private static void normalize(JsonNode graph) {
        for (JsonNode n : graph.path("nodes")) {
            for (String k : new String[] {"pos", "size"}) {
                JsonNode v = n.get(k);
                if (v != null && v.isObject() && n instanceof ObjectNode o) {
                    o.putArray(k).add(v.path("0").asDouble()).add(v.path("1").asDouble());
                }
            }
        }
        for (JsonNode d : graph.path("definitions").path("subgraphs")) normalize(d);
    }

    private static long maxId(JsonNode items) {
        long max = 0;
        for (JsonNode i : items) max = Math.max(max, i.path("id").asLong(0));
        return max;
    }

    /** An id as the editor writes it: a JSON number (int-sized when it fits), else the string. */
    private static JsonNode idNode(String id) {
        try {
            return number(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.textNode(id);
        }
    }

    private static JsonNode number(long v) {
        return v == (int) v ? JsonNodeFactory.instance.numberNode((int) v) : JsonNodeFactory.instance.numberNode(v);
    }

    private static void putId(ObjectNode o, String key, String id) {
        o.set(key, idNode(id));
    }

    private static void addId(ArrayNode a, String id) {
        a.add(idNode(id));
    }
}
