package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Link;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.prompt.PromptNode;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;

/**
 * API prompt → editor workflow (schema 0.4, as the editor saves). Nodes are placed left to right in
 * topological layers (a node's column is the longest chain of links leading to it) and stacked in each
 * column in prompt order. Sockets, links and {@code widgets_values} come from the node schemas: widget slots
 * the API does not carry get {@code "fixed"} (seed controls, so a re-run gives the same picture), the upload
 * button's {@code "image"}, and schema defaults. Node types the registry does not know keep their link
 * inputs as sockets and their literal inputs as widget values in prompt order.
 */
final class ApiToUi {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int COLUMN = 420, GAP = 40, X0 = 40, Y0 = 60, WIDTH = 320, ROW = 24, HEADER = 30;

    private final NodeRegistry registry;

    ApiToUi(NodeRegistry registry) {
        this.registry = registry;
    }

    UiWorkflow convert(ObjectNode api) throws WorkflowException {
        Prompt prompt;
        try {
            prompt = Prompt.of(api);
        } catch (PromptFormatException e) {
            throw new WorkflowException(e.getMessage());
        }
        Map<String, Long> uiIds = ids(prompt);
        Map<String, Integer> layer = layers(prompt);

        ObjectNode root = F.objectNode();
        ArrayNode nodes = F.arrayNode();
        ArrayNode links = F.arrayNode();
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        Map<Integer, Long> columnY = new HashMap<>();
        int order = 0;
        for (PromptNode pn : topological(prompt, layer)) {
            ObjectNode n = node(pn, uiIds.get(pn.id()), schema(pn.classType()));
            int col = layer.get(pn.id());
            long y = columnY.getOrDefault(col, (long) Y0);
            n.putArray("pos").add(X0 + col * COLUMN).add(y);
            columnY.put(col, y + n.get("size").get(1).asLong() + GAP + HEADER);
            n.put("order", order++);
            byId.put(pn.id(), n);
        }
        long linkId = 0;
        for (PromptNode pn : prompt.nodes().values()) {
            ObjectNode target = byId.get(pn.id());
            for (JsonNode in : target.withArray("inputs")) {
                String name = in.path("widget").path("name").asText(in.get("name").asText());
                if (!(pn.inputs().get(name) instanceof Link l)) continue;
                ObjectNode origin = byId.get(l.nodeId());
                if (origin == null) {
                    throw new WorkflowException("node " + pn.id() + " (" + pn.classType() + "): input '" + name
                            + "' is linked to node " + l.nodeId() + ", which is not in the prompt", pn.id(), name);
                }
                ArrayNode outs = origin.withArray("outputs");
                while (outs.size() <= l.index()) outs.addObject().put("name", "*").put("type", "*").putArray("links");
                String type = outs.get(l.index()).get("type").asText("*");
                long id = ++linkId;
                ((ObjectNode) in).put("link", id);
                ((ArrayNode) outs.get(l.index()).withArray("links")).add(id);
                ArrayNode a = links.addArray();
                a.add(id).add(uiIds.get(l.nodeId())).add(l.index()).add(uiIds.get(pn.id()))
                        .add(indexOf(target.withArray("inputs"), in)).add(type);
            }
        }
        byId.values().forEach(nodes::add);
        root.put("last_node_id", uiIds.values().stream().mapToLong(Long::longValue).max().orElse(0));
        root.put("last_link_id", linkId);
        root.set("nodes", nodes);
        root.set("links", links);
        root.putArray("groups");
        root.putObject("config");
        ObjectNode ds = root.putObject("extra").putObject("ds");
        ds.put("scale", 1.0);
        ds.putArray("offset").add(0).add(0);
        root.put("version", 0.4);
        return UiWorkflow.of(root);
    }

    private NodeSchema schema(String type) {
        Node n = type == null ? null : registry.get(type);
        return n == null ? null : n.schema();
    }

    private ObjectNode node(PromptNode pn, long uiId, NodeSchema schema) {
        ObjectNode n = F.objectNode();
        n.put("id", uiId);
        n.put("type", pn.classType() == null ? "" : pn.classType());
        n.putArray("pos");
        ArrayNode inputs = F.arrayNode();
        ArrayNode outputs = F.arrayNode();
        ArrayNode widgets = F.arrayNode();
        if (schema != null) {
            List<InputSpec> all = new ArrayList<>(schema.required());
            all.addAll(schema.optional());
            for (InputSpec s : all) {
                boolean linked = pn.inputs().get(s.name()) instanceof Link;
                if (!WidgetSlots.isWidget(s)) {
                    inputs.addObject().put("name", s.name()).put("type", s.type()).putNull("link");
                } else if (linked) {
                    ObjectNode in = inputs.addObject().put("name", s.name()).put("type", s.type());
                    in.putObject("widget").put("name", s.name());
                    in.putNull("link");
                }
            }
            for (WidgetSlots.Slot slot : WidgetSlots.of(schema)) {
                switch (slot.kind()) {
                    case CONTROL -> widgets.add("fixed");
                    case FILTER -> widgets.add("");
                    case UPLOAD -> widgets.add(WidgetSlots.UPLOAD_VALUE);
                    case INPUT -> {
                        Object v = pn.inputs().get(slot.name());
                        if (v instanceof JsonNode j) widgets.add(j);
                        else widgets.add(slot.spec().defaultValue() == null ? F.nullNode() : Json.tree(slot.spec().defaultValue()));
                    }
                }
            }
            for (OutputSpec o : schema.outputs()) outputs.addObject().put("name", o.name()).put("type", o.type()).putArray("links");
        } else {
            for (Map.Entry<String, Object> e : pn.inputs().entrySet()) {
                if (e.getValue() instanceof Link) inputs.addObject().put("name", e.getKey()).put("type", "*").putNull("link");
                else widgets.add((JsonNode) e.getValue());
            }
        }
        int rows = Math.max(inputs.size(), outputs.size()) + widgets.size();
        n.putArray("size").add(WIDTH).add(HEADER + ROW * Math.max(1, rows));
        n.putObject("flags");
        n.put("order", 0);
        n.put("mode", UiNode.MODE_ALWAYS);
        n.set("inputs", inputs);
        n.set("outputs", outputs);
        String title = pn.title();
        String display = schema != null ? schema.displayName() : pn.classType();
        if (title != null && !title.equals(display)) n.put("title", title);
        n.putObject("properties").put("Node name for S&R", pn.classType());
        n.set("widgets_values", widgets);
        return n;
    }

    /** UI ids: numeric prompt ids stay; others (e.g. flattened {@code 83:3}) get fresh numbers. */
    private static Map<String, Long> ids(Prompt prompt) {
        Map<String, Long> ids = new LinkedHashMap<>();
        long max = 0;
        for (String id : prompt.nodes().keySet()) {
            try {
                long v = Long.parseLong(id);
                if (v > 0) {
                    ids.put(id, v);
                    max = Math.max(max, v);
                }
            } catch (NumberFormatException ignored) {
                // numbered below
            }
        }
        for (String id : prompt.nodes().keySet()) if (!ids.containsKey(id)) ids.put(id, ++max);
        return ids;
    }

    /** Column of each node: the longest chain of links that leads to it (a cycle stops growing after n rounds). */
    private static Map<String, Integer> layers(Prompt prompt) {
        Map<String, Integer> layer = new HashMap<>();
        for (String id : prompt.nodes().keySet()) layer.put(id, 0);
        for (int round = 0; round < prompt.size(); round++) {
            boolean changed = false;
            for (PromptNode n : prompt.nodes().values()) {
                for (Object v : n.inputs().values()) {
                    if (v instanceof Link l && layer.containsKey(l.nodeId()) && layer.get(l.nodeId()) + 1 > layer.get(n.id())) {
                        layer.put(n.id(), layer.get(l.nodeId()) + 1);
                        changed = true;
                    }
                }
            }
            if (!changed) break;
        }
        return layer;
    }

    private static List<PromptNode> topological(Prompt prompt, Map<String, Integer> layer) {
        List<PromptNode> list = new ArrayList<>(prompt.nodes().values());
        list.sort((a, b) -> Integer.compare(layer.get(a.id()), layer.get(b.id())));
        return list;
    }

    private static int indexOf(ArrayNode a, JsonNode e) {
        for (int i = 0; i < a.size(); i++) if (a.get(i) == e) return i;
        return -1;
    }
}
