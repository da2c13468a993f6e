package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes and links of one graph: the workflow's root graph or a subgraph definition. Links come from
 * arrays (schema 0.4) or objects (version 1, subgraph definitions); both read the same.
 */
public final class UiGraph {
    /** Ids of a subgraph's input and output pseudo-nodes in links inside its definition. */
    public static final String SUBGRAPH_INPUT = "-10", SUBGRAPH_OUTPUT = "-20";

    private final ObjectNode json;
    private final String name;
    private final List<UiNode> nodes;
    private final Map<String, UiNode> byId;
    private final Map<Long, UiLink> links;

    UiGraph(ObjectNode json, String name) throws WorkflowException {
        this.json = json;
        this.name = name;
        JsonNode ns = json.get("nodes");
        if (ns == null || !ns.isArray()) throw new WorkflowException(name + ": \"nodes\" must be an array", null, "nodes");
        List<UiNode> list = new ArrayList<>();
        Map<String, UiNode> ids = new LinkedHashMap<>();
        for (JsonNode n : ns) {
            if (!n.isObject()) throw new WorkflowException(name + ": every entry of \"nodes\" must be an object, got " + n, null, "nodes");
            UiNode node = new UiNode((ObjectNode) n, name);
            if (ids.put(node.id(), node) != null) {
                throw new WorkflowException(name + ": two nodes have the id " + node.id(), node.id(), "id");
            }
            list.add(node);
        }
        Map<Long, UiLink> ls = new LinkedHashMap<>();
        JsonNode lj = json.get("links");
        if (lj != null && !lj.isNull()) {
            if (!lj.isArray()) throw new WorkflowException(name + ": \"links\" must be an array", null, "links");
            for (JsonNode l : lj) {
                if (l == null || l.isNull()) continue;          // deleted links are sometimes left as null
                UiLink link = UiLink.of(l, name);
                ls.put(link.id(), link);
            }
        }
        this.nodes = Collections.unmodifiableList(list);
        this.byId = Collections.unmodifiableMap(ids);
        this.links = Collections.unmodifiableMap(ls);
    }

    public ObjectNode json() { return json; }
    /** "workflow" for the root graph, "subgraph 'Name'" for a definition (used in messages). */
    public String name() { return name; }
    public List<UiNode> nodes() { return nodes; }
    public UiNode node(String id) { return byId.get(id); }
    public Map<Long, UiLink> links() { return links; }
    public UiLink link(long id) { return links.get(id); }

    /** Subgraph inputs and outputs ({@code inputs[]}/{@code outputs[]} of a definition): name and type. */
    public List<UiNode.Input> subgraphInputs() { return io("inputs"); }
    public List<UiNode.Input> subgraphOutputs() { return io("outputs"); }

    private List<UiNode.Input> io(String key) {
        List<UiNode.Input> out = new ArrayList<>();
        for (JsonNode i : json.path(key)) out.add(new UiNode.Input(i.path("name").asText(""), i.path("type").asText("*"), null, null));
        return out;
    }
}
