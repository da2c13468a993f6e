package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.schema.NodeSchema;

/**
 * Converts between the editor format and the API format with ComfyUI's rules.
 *
 * <p>Editor → API: widget values are mapped to input names in the schema's widget order (skipping the
 * editor-only {@code control_after_generate}, {@code control_filter_list} and upload slots); links override
 * widget values; muted nodes (mode 2) are dropped; bypassed nodes (mode 4) are wired through by type;
 * {@code Reroute} and {@code PrimitiveNode} are resolved and, like {@code Note}/{@code MarkdownNote}, left
 * out; subgraph instances are flattened into {@code outer:inner} ids; list values are wrapped as
 * {@code {"__value__": […]}}; inputs that point at dropped nodes are removed. Node types the registry does
 * not know are kept with their links, so validation reports them as {@code missing_node_type}.
 *
 * <p>API → editor: {@link ApiToUi}.
 */
public final class WorkflowConverter {
    /** Editor-only node types: never sent to the server. */
    public static final Set<String> VIRTUAL_TYPES = Set.of("Note", "MarkdownNote", "Reroute", "PrimitiveNode");
    private static final int MAX_DEPTH = 64;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final NodeRegistry registry;

    public WorkflowConverter(NodeRegistry registry) {
        this.registry = registry;
    }

    /** The API prompt and what the conversion had to tolerate (widget lists of the wrong length…). */
    public record Conversion(ObjectNode prompt, List<String> warnings) {}

    /** The API prompt of an editor workflow. */
    public ObjectNode toPrompt(UiWorkflow ui) throws WorkflowException {
        return convert(ui).prompt();
    }

    /** The API prompt, with warnings naming each node and field that needed a fallback. */
    public Conversion convert(UiWorkflow ui) throws WorkflowException {
        Run run = new Run(ui);
        run.emitGraph(new Scope(ui.graph(), "", null, null, List.of()));
        ObjectNode out = run.out;
        for (Iterator<Map.Entry<String, JsonNode>> it = out.fields(); it.hasNext(); ) {
            ObjectNode inputs = (ObjectNode) it.next().getValue().get("inputs");
            List<String> dangling = new ArrayList<>();
            inputs.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.isArray() && v.size() == 2 && v.get(0).isTextual() && !out.has(v.get(0).asText())) dangling.add(e.getKey());
            });
            inputs.remove(dangling);
        }
        return new Conversion(out, List.copyOf(run.warnings));
    }

    /** An editor workflow for an API prompt: nodes in topological layers left to right. */
    public UiWorkflow toWorkflow(ObjectNode prompt) throws WorkflowException {
        return new ApiToUi(registry).convert(prompt);
    }

    NodeSchema schema(String type) {
        Node n = registry.get(type);
        return n == null ? null : n.schema();
    }

    /** Where a graph sits: its nodes' id prefix and, inside a subgraph, the instance node and its graph. */
    private record Scope(UiGraph graph, String prefix, UiNode instance, Scope parent, List<String> stack,
                         Map<String, JsonNode> widgetValues, Map<String, Map<String, JsonNode>> promoted) {
        Scope(UiGraph graph, String prefix, UiNode instance, Scope parent, List<String> stack) {
            this(graph, prefix, instance, parent, stack, Map.of(), Map.of());
        }

        /** A node's widget values: its own, or its slice of a legacy group node's values. */
        JsonNode widgetsOf(UiNode n) {
            JsonNode v = widgetValues.get(n.id());
            return v != null ? v : n.widgetsValues();
        }
    }

    /** What an input resolves to: a link, a literal (from a primitive or a promoted widget), or nothing. */
    private record Resolved(String nodeId, int slot, JsonNode literal) {
        static final Resolved NONE = new Resolved(null, 0, null);
        static Resolved link(String id, int slot) { return new Resolved(id, slot, null); }
        static Resolved value(JsonNode v) { return v == null ? NONE : new Resolved(null, 0, v); }
        JsonNode json() {
            if (literal != null) return wrap(literal);
            if (nodeId != null) return F.arrayNode().add(nodeId).add(slot);
            return null;
        }
    }

    private final class Run {
        final UiWorkflow ui;
        final ObjectNode out = F.objectNode();
        final List<String> warnings = new ArrayList<>();

        Run(UiWorkflow ui) {
            this.ui = ui;
        }

        void emitGraph(Scope s) throws WorkflowException {
            List<UiNode> nodes = new ArrayList<>(s.graph().nodes());
            nodes.sort(Comparator.comparingInt(n -> n.json().path("order").asInt(Integer.MAX_VALUE)));
            for (UiNode n : nodes) {
                if (VIRTUAL_TYPES.contains(n.type())) continue;
                if (n.mode() == UiNode.MODE_NEVER || n.mode() == UiNode.MODE_BYPASS) continue;
                UiGraph def = ui.subgraphs().get(n.type());
                if (def != null) {
                    emitGraph(enter(s, n, def));
                } else {
                    emitNode(s, n);
                }
            }
        }

        Scope enter(Scope s, UiNode instance, UiGraph def) throws WorkflowException {
            String id = instance.type();
            if (s.stack().contains(id) || s.stack().size() > MAX_DEPTH) {
                throw new WorkflowException(def.name() + " contains an instance of itself (" + instance.label() + ")",
                        s.prefix() + instance.id(), "type");
            }
            List<String> stack = new ArrayList<>(s.stack());
            stack.add(id);
            Map<String, JsonNode> values = def.json().path(LegacyGroupNodes.MARK).asBoolean() ? legacyWidgets(instance, def) : Map.of();
            return new Scope(def, s.prefix() + instance.id() + ":", instance, s, stack, values, promoted(instance));
        }

        /**
         * Inner widgets shown on a subgraph instance ({@code properties.proxyWidgets}: {@code [[innerId, widget], …]})
         * whose values the instance stores in its {@code widgets_values}, in the same order; entries for subgraph
         * inputs ({@code "-1"}) are the instance's own widget inputs and resolve through the input.
         */
        Map<String, Map<String, JsonNode>> promoted(UiNode instance) {
            JsonNode proxies = instance.properties().path("proxyWidgets");
            if (proxies.isTextual()) {
                try {
                    proxies = Json.parse(proxies.asText());
                } catch (IOException e) {
                    return Map.of();
                }
            }
            JsonNode values = instance.widgetsValues();
            if (!proxies.isArray() || !values.isArray() || values.size() != proxies.size()) return Map.of();
            Map<String, Map<String, JsonNode>> out = new HashMap<>();
            for (int i = 0; i < proxies.size(); i++) {
                String node = proxies.get(i).path(0).asText("-1");
                if (!node.equals("-1")) out.computeIfAbsent(node, k -> new HashMap<>()).put(proxies.get(i).path(1).asText(), values.get(i));
            }
            return out;
        }

        /** A legacy group node stores the widget values of its inner nodes one after the other. */
        Map<String, JsonNode> legacyWidgets(UiNode instance, UiGraph def) {
            JsonNode values = instance.widgetsValues();
            if (!values.isArray() || values.isEmpty()) return Map.of();
            Map<String, Integer> counts = new LinkedHashMap<>();
            int total = 0;
            for (UiNode n : def.nodes()) {
                NodeSchema schema = schema(n.type());
                int c = schema != null ? WidgetSlots.of(schema).size() : n.widgetsValues().size();
                counts.put(n.id(), c);
                total += c;
            }
            if (total != values.size()) {
                warnings.add(instance.label() + ": the group node has " + values.size() + " widget values, its nodes "
                        + total + "; using the values stored with the group");
                return Map.of();
            }
            Map<String, JsonNode> out = new HashMap<>();
            int at = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                ArrayNode slice = F.arrayNode();
                for (int i = 0; i < e.getValue(); i++) slice.add(values.get(at++));
                out.put(e.getKey(), slice);
            }
            return out;
        }

        void emitNode(Scope s, UiNode n) throws WorkflowException {
            String execId = s.prefix() + n.id();
            NodeSchema schema = schema(n.type());
            ObjectNode inputs = F.objectNode();
            if (schema != null) {
                widgets(s, n, schema, inputs);
                Map<String, JsonNode> shown = s.promoted().getOrDefault(n.id(), Map.of());
                for (WidgetSlots.Slot slot : WidgetSlots.of(schema)) {
                    if (slot.serialized() && shown.containsKey(slot.name())) inputs.set(slot.name(), wrap(shown.get(slot.name())));
                }
            }
            for (UiNode.Input in : n.inputs()) {
                if (in.link() == null) continue;
                String name = in.widget() != null ? in.widget() : in.name();
                Resolved r = resolveLink(s, in.link(), n, name, new HashSet<>());
                JsonNode v = r.json();
                if (v != null) inputs.set(name, v);
            }
            ObjectNode node = out.putObject(execId);
            node.set("inputs", inputs);
            node.put("class_type", n.type());
            String title = n.title() != null ? n.title() : schema != null ? schema.displayName() : n.type();
            node.putObject("_meta").put("title", title);
        }

        /** Maps {@code widgets_values} to input names, skipping editor-only slots. */
        void widgets(Scope s, UiNode n, NodeSchema schema, ObjectNode inputs) {
            String where = (s.prefix().isEmpty() ? "" : "in " + s.graph().name() + ", ") + n.label();
            JsonNode values = s.widgetsOf(n);
            List<WidgetSlots.Slot> slots = WidgetSlots.of(schema);
            if (values.isObject()) {                        // some custom nodes store {name: value}
                for (WidgetSlots.Slot slot : slots) {
                    if (slot.serialized() && values.has(slot.name())) inputs.set(slot.name(), wrap(values.get(slot.name())));
                }
                return;
            }
            if (!values.isArray()) values = F.arrayNode();
            int vi = 0;
            for (WidgetSlots.Slot slot : slots) {
                if (vi >= values.size()) {
                    if (!slot.serialized()) continue;
                    Object def = slot.spec().defaultValue();
                    // a file saved before the node gained an optional input: the editor shows the default
                    if (schema.isRequired(slot.name())) {
                        warnings.add(where + ": widget '" + slot.name() + "' has no stored value"
                                + (def == null ? "" : "; using its default " + def));
                    }
                    if (def != null) inputs.set(slot.name(), Json.tree(def));
                    continue;
                }
                JsonNode v = values.get(vi);
                switch (slot.kind()) {
                    case INPUT -> {
                        inputs.set(slot.name(), wrap(v));
                        vi++;
                    }
                    // Old files: the seed control may be missing (then the next number is the next input), or a boolean.
                    case CONTROL, FILTER -> {
                        if (v.isTextual() || v.isBoolean() || v.isNull()) vi++;
                    }
                    case UPLOAD -> {
                        if (v.isTextual() || v.isNull()) vi++;
                    }
                }
            }
            if (vi < values.size()) {
                List<JsonNode> extra = new ArrayList<>();
                for (int i = vi; i < values.size(); i++) extra.add(values.get(i));
                warnings.add(where + ": " + extra.size() + " widget value(s) more than " + schema.name()
                        + " has widgets, ignored: " + extra);
            }
        }

        Resolved resolveLink(Scope s, long linkId, UiNode target, String field, Set<String> visited) throws WorkflowException {
            UiLink l = s.graph().link(linkId);
            String targetId = s.prefix() + target.id();
            if (l == null) {
                warnings.add(target.label() + ": input '" + field + "' refers to link " + linkId
                        + ", which is not in the workflow; left unconnected");
                return Resolved.NONE;
            }
            if (UiGraph.SUBGRAPH_INPUT.equals(l.originId()) && s.instance() != null) {
                return resolveSubgraphInput(s, l.originSlot(), visited);
            }
            UiNode origin = s.graph().node(l.originId());
            if (origin == null) {
                throw new WorkflowException((s.prefix().isEmpty() ? "" : "in " + s.graph().name() + ", ") + target.label()
                        + ": input '" + field + "' is linked (link " + linkId + ") to node " + l.originId()
                        + ", which does not exist", targetId, field);
            }
            return resolveOutput(s, origin, l.originSlot(), l.type(), visited, target, field);
        }

        Resolved resolveSubgraphInput(Scope s, int slot, Set<String> visited) throws WorkflowException {
            UiNode inst = s.instance();
            List<UiNode.Input> io = s.graph().subgraphInputs();
            UiNode.Input in = null;
            if (slot < io.size() && !s.graph().json().path(LegacyGroupNodes.MARK).asBoolean()) {
                String name = io.get(slot).name();
                for (UiNode.Input i : inst.inputs()) if (i.name().equals(name)) in = i;
            }
            if (in == null && slot < inst.inputs().size()) in = inst.inputs().get(slot);
            if (in == null) return Resolved.NONE;
            if (in.link() != null) return resolveLink(s.parent(), in.link(), inst, in.name(), visited);
            if (in.widget() == null) return Resolved.NONE;
            int k = 0;
            for (UiNode.Input i : inst.inputs()) {
                if (i == in) break;
                if (i.widget() != null) k++;
            }
            JsonNode values = inst.widgetsValues();
            return values.isArray() && k < values.size() ? Resolved.value(values.get(k)) : Resolved.NONE;
        }

        Resolved resolveOutput(Scope s, UiNode origin, int slot, String linkType, Set<String> visited, UiNode target, String field)
                throws WorkflowException {
            String key = s.prefix() + origin.id() + "/" + slot;
            if (!visited.add(key)) {
                throw new WorkflowException(target.label() + ": input '" + field + "' is fed by a cycle through "
                        + origin.label(), s.prefix() + target.id(), field);
            }
            String type = origin.type();
            switch (type) {
                case "Reroute" -> {
                    UiNode.Input in = origin.inputs().isEmpty() ? null : origin.inputs().get(Math.min(slot, origin.inputs().size() - 1));
                    return in == null || in.link() == null ? Resolved.NONE : resolveLink(s, in.link(), target, field, visited);
                }
                case "PrimitiveNode" -> {
                    JsonNode v = s.widgetsOf(origin);
                    return v.isArray() && v.size() > 0 ? Resolved.value(v.get(0)) : Resolved.NONE;
                }
                case "Note", "MarkdownNote" -> {
                    return Resolved.NONE;
                }
                default -> { }
            }
            if (origin.mode() == UiNode.MODE_BYPASS) {
                String outType = slot < origin.outputs().size() ? origin.outputs().get(slot).type() : linkType;
                UiNode.Input in = bypassInput(origin, slot, outType);
                return in == null || in.link() == null ? Resolved.NONE : resolveLink(s, in.link(), target, field, visited);
            }
            UiGraph def = ui.subgraphs().get(type);
            if (def != null && origin.mode() != UiNode.MODE_NEVER) {
                Scope inner = enter(s, origin, def);
                for (UiLink l : def.links().values()) {
                    if (UiGraph.SUBGRAPH_OUTPUT.equals(l.targetId()) && l.targetSlot() == slot) {
                        if (UiGraph.SUBGRAPH_INPUT.equals(l.originId())) return resolveSubgraphInput(inner, l.originSlot(), visited);
                        UiNode o = def.node(l.originId());
                        if (o == null) {
                            throw new WorkflowException(def.name() + ": output " + slot + " is linked to node " + l.originId()
                                    + ", which does not exist", s.prefix() + origin.id(), "outputs");
                        }
                        return resolveOutput(inner, o, l.originSlot(), l.type(), visited, target, field);
                    }
                }
                return Resolved.NONE;
            }
            return Resolved.link(s.prefix() + origin.id(), slot);
        }
    }

    /**
     * The input a bypassed node passes through for output {@code slot}: the input with the same index if its
     * type fits, else the first input of exactly that type, else the first compatible one.
     */
    static UiNode.Input bypassInput(UiNode n, int slot, String type) {
        List<UiNode.Input> ins = n.inputs();
        if (slot < ins.size() && compatible(ins.get(slot).type(), type)) return ins.get(slot);
        for (UiNode.Input i : ins) if (i.type().equalsIgnoreCase(type)) return i;
        for (UiNode.Input i : ins) if (compatible(i.type(), type)) return i;
        return null;
    }

    /** The editor's connection rule: equal ignoring case, a wildcard ({@code *} or empty), or overlapping comma lists. */
    static boolean compatible(String a, String b) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty() || a.equals("*") || b.equals("*")) return true;
        if (a.equalsIgnoreCase(b)) return true;
        for (String x : a.split(",")) for (String y : b.split(",")) if (x.trim().equalsIgnoreCase(y.trim())) return true;
        return false;
    }

    /** A literal for the API: a list becomes {@code {"__value__": […]}}, because a bare list means a link. */
    static JsonNode wrap(JsonNode v) {
        if (v != null && v.isArray()) {
            ObjectNode o = F.objectNode();
            o.set("__value__", v);
            return o;
        }
        return v;
    }
}
