package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Group nodes from before subgraphs: {@code extra.groupNodes.<name>} holds the inner nodes (in order, with their
 * {@code index}), the inner links {@code [originIndex, originSlot, targetIndex, targetSlot, …, type]} and the
 * outputs kept visible though linked inside ({@code external}); instance nodes have the type
 * {@code workflow>name} (older) or {@code workflow/name}. Each group is read as a subgraph definition: the inner
 * inputs left unlinked become its inputs (in order), the inner outputs not used inside or listed as external its
 * outputs, so instances flatten to {@code outer:index} ids like the editor's.
 */
final class LegacyGroupNodes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Marks a definition made here: instance {@code widgets_values} are the inner widgets' values in order. */
    static final String MARK = "easelLegacyGroup";

    private LegacyGroupNodes() {}

    static void collect(JsonNode workflow, Map<String, UiGraph> into) throws WorkflowException {
        JsonNode groups = workflow.path("extra").path("groupNodes");
        for (Iterator<Map.Entry<String, JsonNode>> it = groups.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            if (!g.getValue().isObject()) continue;
            UiGraph def = new UiGraph(definition(g.getKey(), g.getValue()), "group node '" + g.getKey() + "'");
            into.putIfAbsent("workflow>" + g.getKey(), def);
            into.putIfAbsent("workflow/" + g.getKey(), def);
        }
    }

    private static ObjectNode definition(String name, JsonNode group) {
        ObjectNode def = F.objectNode();
        def.put("name", name).put(MARK, true);
        ArrayNode nodes = def.putArray("nodes");
        ArrayNode links = def.putArray("links");
        ArrayNode inputs = def.putArray("inputs");
        ArrayNode outputs = def.putArray("outputs");
        long linkId = 0;
        Set<String> linkedInside = new HashSet<>();          // "index/slot" of outputs used inside
        Map<String, Long> inner = new HashMap<>();             // "index/inputSlot" → link id
        for (JsonNode l : group.path("links")) {
            if (!l.isArray() || l.size() < 4) continue;
            long id = ++linkId;
            links.addObject().put("id", id).put("origin_id", l.get(0).asLong()).put("origin_slot", l.get(1).asInt())
                    .put("target_id", l.get(2).asLong()).put("target_slot", l.get(3).asInt())
                    .put("type", l.size() > 5 ? l.get(5).asText("*") : "*");
            linkedInside.add(l.get(0).asLong() + "/" + l.get(1).asInt());
            inner.put(l.get(2).asLong() + "/" + l.get(3).asInt(), id);
        }
        Set<String> external = new HashSet<>();
        for (JsonNode e : group.path("external")) if (e.isArray() && e.size() >= 2) external.add(e.get(0).asLong() + "/" + e.get(1).asInt());
        int i = 0;
        for (JsonNode n : group.path("nodes")) {
            long index = n.has("index") ? n.get("index").asLong() : i;
            i++;
            ObjectNode copy = ((ObjectNode) n).deepCopy();
            copy.put("id", index);
            ArrayNode ins = copy.putArray("inputs");
            int slot = 0;
            for (JsonNode in : n.path("inputs")) {
                ObjectNode c = ((ObjectNode) in).deepCopy();
                Long id = inner.get(index + "/" + slot);
                if (id == null) {
                    id = ++linkId;
                    int k = inputs.size();
                    inputs.addObject().put("name", in.path("name").asText()).put("type", in.path("type").asText("*"));
                    links.addObject().put("id", id).put("origin_id", -10).put("origin_slot", k).put("target_id", index)
                            .put("target_slot", slot).put("type", in.path("type").asText("*"));
                }
                c.put("link", id);
                ins.add(c);
                slot++;
            }
            int out = 0;
            for (JsonNode o : n.path("outputs")) {
                String key = index + "/" + out;
                if (!linkedInside.contains(key) || external.contains(key)) {
                    int k = outputs.size();
                    outputs.addObject().put("name", o.path("name").asText()).put("type", o.path("type").asText("*"));
                    links.addObject().put("id", ++linkId).put("origin_id", index).put("origin_slot", out).put("target_id", -20)
                            .put("target_slot", k).put("type", o.path("type").asText("*"));
                }
                out++;
            }
            nodes.add(copy);
        }
        return def;
    }
}
