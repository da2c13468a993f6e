package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.easel.engine.Json;

/** Writes editor-format graphs for tests: nodes, sockets, widget values and consistent links. */
final class UiBuilder {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    final ObjectNode json = F.objectNode();
    private final boolean objectLinks;
    private long linkId;

    UiBuilder() {
        this(false);
        json.put("last_node_id", 0).put("last_link_id", 0);
        json.putArray("nodes");
        json.putArray("links");
        json.putArray("groups");
        json.putObject("config");
        json.putObject("extra");
        json.put("version", 0.4);
    }

    private UiBuilder(boolean objectLinks) {
        this.objectLinks = objectLinks;
    }

    /** A subgraph definition (version-1 style) added to this workflow's {@code definitions}. */
    UiBuilder subgraph(String id, String name) {
        UiBuilder b = new UiBuilder(true);
        b.json.put("id", id).put("version", 1).put("name", name);
        b.json.putObject("state");
        b.json.putArray("inputs");
        b.json.putArray("outputs");
        b.json.putArray("nodes");
        b.json.putArray("links");
        b.json.putObject("inputNode").put("id", -10);
        b.json.putObject("outputNode").put("id", -20);
        json.withObject("/definitions").withArray("subgraphs").add(b.json);
        return b;
    }

    UiBuilder input(String name, String type) {
        json.withArray("inputs").addObject().put("id", "in-" + name).put("name", name).put("type", type).putArray("linkIds");
        return this;
    }

    UiBuilder output(String name, String type) {
        json.withArray("outputs").addObject().put("id", "out-" + name).put("name", name).put("type", type).putArray("linkIds");
        return this;
    }

    N node(long id, String type) {
        ObjectNode n = json.withArray("nodes").addObject();
        n.put("id", id).put("type", type);
        n.putArray("pos").add(id * 10).add(id * 10);
        n.putArray("size").add(300).add(100);
        n.putObject("flags");
        n.put("order", json.get("nodes").size() - 1).put("mode", 0);
        n.putArray("inputs");
        n.putArray("outputs");
        n.putObject("properties").put("Node name for S&R", type);
        n.putArray("widgets_values");
        return new N(n);
    }

    /** Links output {@code slot} of node {@code from} to input {@code input} of node {@code to}; -10/-20 are a subgraph's IO. */
    UiBuilder link(long from, int slot, long to, String input) {
        long id = ++linkId;
        int targetSlot = 0;
        String type = "*";
        if (to == -20) {
            targetSlot = Integer.parseInt(input);
            type = json.get("outputs").get(targetSlot).get("type").asText();
        } else {
            ArrayNode ins = (ArrayNode) find(to).get("inputs");
            for (int i = 0; i < ins.size(); i++) {
                if (ins.get(i).get("name").asText().equals(input)) {
                    targetSlot = i;
                    type = ins.get(i).get("type").asText();
                    ((ObjectNode) ins.get(i)).put("link", id);
                }
            }
        }
        if (from != -10) {
            JsonNode outs = find(from).get("outputs");
            if (slot < outs.size()) ((ObjectNode) outs.get(slot)).withArray("links").add(id);
        }
        if (objectLinks) {
            json.withArray("links").addObject().put("id", id).put("origin_id", from).put("origin_slot", slot)
                    .put("target_id", to).put("target_slot", targetSlot).put("type", type);
        } else {
            json.withArray("links").addArray().add(id).add(from).add(slot).add(to).add(targetSlot).add(type);
            json.put("last_link_id", id);
        }
        return this;
    }

    ObjectNode find(long id) {
        for (JsonNode n : json.get("nodes")) if (n.get("id").asLong() == id) return (ObjectNode) n;
        throw new AssertionError("no node " + id);
    }

    UiWorkflow build() {
        try {
            return UiWorkflow.of(json);
        } catch (WorkflowException e) {
            throw new AssertionError(e);
        }
    }

    static final class N {
        final ObjectNode json;

        N(ObjectNode json) {
            this.json = json;
        }

        N in(String name, String type) {
            json.withArray("inputs").addObject().put("name", name).put("type", type).putNull("link");
            return this;
        }

        /** A socket backing the widget of the same name (a "converted widget"). */
        N widgetIn(String name, String type) {
            ObjectNode i = json.withArray("inputs").addObject().put("name", name).put("type", type);
            i.putObject("widget").put("name", name);
            i.putNull("link");
            return this;
        }

        N out(String... types) {
            for (String t : types) json.withArray("outputs").addObject().put("name", t).put("type", t).putArray("links");
            return this;
        }

        N widgets(Object... values) {
            ArrayNode a = json.putArray("widgets_values");
            for (Object v : values) a.add(Json.tree(v));
            return this;
        }

        N mode(int mode) {
            json.put("mode", mode);
            return this;
        }

        N title(String title) {
            json.put("title", title);
            return this;
        }
    }
}
