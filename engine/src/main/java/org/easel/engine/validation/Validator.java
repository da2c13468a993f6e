package org.easel.engine.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeRegistry;
import org.easel.engine.Overrides;
import org.easel.engine.prompt.Link;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptGraph;
import org.easel.engine.prompt.PromptNode;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;

/**
 * Validates a prompt before anything runs, the way ComfyUI's {@code validate_prompt} does: known node
 * types, output selection (with {@code partial_execution_targets}), dependency cycles, then every node an
 * output needs — links (target exists, output index, type), literals (coerced to the declared type,
 * min/max, combo membership) and the node's own checks. Outputs whose subtree is invalid are skipped;
 * the rest still run.
 */
public final class Validator {
    private final NodeRegistry registry;
    private final Environment env;

    public Validator(NodeRegistry registry, Environment env) {
        this.registry = registry;
        this.env = env;
    }

    public ValidationResult validate(Prompt prompt) {
        return validate(prompt, null);
    }

    /** @param partialTargets only these output nodes (and what they need) run; null = every output node. */
    public ValidationResult validate(Prompt prompt, Collection<String> partialTargets) {
        if (prompt == null) {
            return ValidationResult.failure(new ValidationError("no_prompt", "No prompt provided", "No prompt provided", Map.of()), Map.of());
        }
        // 1. every node must have a known class type
        for (PromptNode n : prompt.nodes().values()) {
            if (n.classType() == null) {
                String label = n.title() != null ? n.title() : "ID #" + n.id();
                return ValidationResult.failure(new ValidationError("missing_node_type",
                        "Node '" + label + "' has no class_type. The workflow may be corrupted or a custom node is missing.",
                        "Node ID '#" + n.id() + "'", extra("node_id", n.id(), "class_type", null, "node_title", n.title())), Map.of());
            }
            if (!registry.contains(n.classType())) {
                String label = n.title() != null ? n.title() : n.classType();
                return ValidationResult.failure(new ValidationError("missing_node_type",
                        "Node '" + label + "' not found. The custom node may not be installed.",
                        "Node ID '#" + n.id() + "'", extra("node_id", n.id(), "class_type", n.classType(), "node_title", label)), Map.of());
            }
        }
        // 2. output nodes to execute
        Set<String> targets = partialTargets == null ? null : new HashSet<>(partialTargets);
        List<String> outputs = new ArrayList<>();
        for (PromptNode n : prompt.nodes().values()) {
            if (registry.get(n.classType()).schema().isOutputNode() && (targets == null || targets.contains(n.id()))) {
                outputs.add(n.id());
            }
        }
        if (outputs.isEmpty()) {
            return ValidationResult.failure(new ValidationError("prompt_no_outputs", "Prompt has no outputs", "", Map.of()), Map.of());
        }

        // 3. the dependency graph: what the outputs need, in which order
        PromptGraph graph = PromptGraph.of(prompt, (n, input) -> registry.get(n.classType()).schema().input(input) != null);
        Set<String> needed = graph.needs(outputs);

        // 4. cycles (rare): each node on one gets an error naming the path around it
        Map<String, List<ValidationError>> errors = new LinkedHashMap<>();
        Set<String> onCycle = new HashSet<>();
        for (PromptGraph.Cycle cycle : graph.cycles()) {
            if (!needed.contains(cycle.path().get(0))) continue;
            String path = String.join(" -> ", cycle.path().stream()
                    .map(id -> id + " (" + prompt.node(id).classType() + ")").toList());
            for (String id : cycle.nodes()) {
                onCycle.add(id);
                errors.computeIfAbsent(id, k -> new ArrayList<>()).add(new ValidationError("dependency_cycle",
                        "Dependency cycle detected", path, extra("node_id", id, "cycle_nodes", cycle.path())));
            }
        }

        // 5. validate every other node, sources before consumers
        Set<String> invalid = new HashSet<>(onCycle);
        Map<String, ResolvedNode> resolved = new HashMap<>();
        for (String id : graph.order()) {
            if (!needed.contains(id)) continue;
            PromptNode n = prompt.node(id);
            List<ValidationError> own = new ArrayList<>(0);
            boolean upstreamInvalid = false;
            Node node = registry.get(n.classType());
            Map<String, Object> values = validateNode(prompt, n, node, own);
            for (Object v : values.values()) {
                if (v instanceof Link l && invalid.contains(l.nodeId())) upstreamInvalid = true;
            }
            if (!own.isEmpty()) errors.computeIfAbsent(id, k -> new ArrayList<>()).addAll(own);
            if (!own.isEmpty() || upstreamInvalid) {
                invalid.add(id);
            } else {
                resolved.put(id, new ResolvedNode(n, node, values));
            }
        }

        // 6. outputs whose whole subtree is valid run; errors list the outputs they break
        List<String> good = new ArrayList<>();
        for (String o : outputs) if (!invalid.contains(o)) good.add(o);
        Map<String, ValidationResult.NodeErrors> nodeErrors = new LinkedHashMap<>();
        for (Map.Entry<String, List<ValidationError>> e : errors.entrySet()) {
            List<String> dependents = graph.dependentOutputs(e.getKey(), outputs);
            nodeErrors.put(e.getKey(), new ValidationResult.NodeErrors(prompt.node(e.getKey()).classType(), e.getValue(), dependents));
        }
        if (good.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (List<ValidationError> l : errors.values()) {
                for (ValidationError ve : l) lines.add(ve.message() + ": " + ve.details());
            }
            return ValidationResult.failure(new ValidationError("prompt_outputs_failed_validation",
                    "Prompt outputs failed validation", String.join("\n", lines), Map.of()), nodeErrors);
        }
        // keep only what the good outputs need, sources before consumers
        Set<String> neededByGood = graph.needs(good);
        Map<String, ResolvedNode> resolvedNeeded = new LinkedHashMap<>();
        for (String id : graph.order()) if (neededByGood.contains(id)) resolvedNeeded.put(id, resolved.get(id));
        return new ValidationResult(null, good, nodeErrors, resolvedNeeded, graph);
    }

    /** Checks one node's declared inputs; returns name → Link or coerced literal, errors into {@code own}. */
    private Map<String, Object> validateNode(Prompt prompt, PromptNode n, Node node, List<ValidationError> own) {
        NodeSchema schema = node.schema();
        Map<String, Object> values = new LinkedHashMap<>();
        boolean selfChecks = Overrides.validate(node);
        Map<String, Object> literals = selfChecks ? new LinkedHashMap<>() : null;
        for (InputSpec spec : schema.inputs().values()) {
            String name = spec.name();
            Object raw = n.inputs().get(name);
            if (raw == null || (raw instanceof JsonNode j && j.isNull())) {
                if (schema.isRequired(name)) {
                    own.add(new ValidationError("required_input_missing", "Required input is missing", name, extra("input_name", name)));
                } else if (spec.defaultValue() != null && spec.isPrimitive()) {
                    try {                          // defaults go through the same coercion as literals
                        Object d = coerce(spec, Json.tree(spec.defaultValue()), own);
                        if (d != null) {
                            values.put(name, d);
                            if (literals != null) literals.put(name, d);
                        }
                    } catch (Coercion.CoercionException e) {
                        own.add(new ValidationError("invalid_input_type", "Failed to convert an input value to a " + spec.type() + " value",
                                name + ", default " + spec.defaultValue() + ", " + e.getMessage(), extra("input_name", name)));
                    }
                }
                continue;
            }
            if (raw instanceof Link link) {
                PromptNode src = prompt.node(link.nodeId());
                if (src == null) {
                    own.add(new ValidationError("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                            name + ": links to node '" + link.nodeId() + "', which is not in the prompt",
                            extra("input_name", name, "input_config", spec.toJson(env), "received_value", List.of(link.nodeId(), link.index()))));
                    continue;
                }
                List<OutputSpec> outs = registry.get(src.classType()).schema().outputs();
                if (link.index() < 0 || link.index() >= outs.size()) {
                    own.add(new ValidationError("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                            name + ": node " + src.id() + " (" + src.classType() + ") has no output " + link.index()
                                    + " (it has " + outs.size() + ")",
                            extra("input_name", name, "input_config", spec.toJson(env), "received_value", List.of(link.nodeId(), link.index()))));
                    continue;
                }
                String received = outs.get(link.index()).type();
                String expected = spec.isCombo() ? Types.COMBO : spec.type();
                boolean ok = Types.compatible(received, expected)
                        || (spec.isCombo() && Types.STRING.equals(received));
                if (!ok) {
                    own.add(new ValidationError("return_type_mismatch", "Return type mismatch between linked nodes",
                            name + ", received_type(" + received + ") mismatch input_type(" + expected + ")",
                            extra("input_name", name, "input_config", spec.toJson(env), "received_type", received,
                                    "linked_node", List.of(link.nodeId(), link.index()))));
                    continue;
                }
                values.put(name, link);
                continue;
            }
            JsonNode v = (JsonNode) raw;
            try {
                Object coerced = coerce(spec, v, own);
                if (coerced != null) {
                    values.put(name, coerced);
                    if (literals != null) literals.put(name, coerced);
                }
            } catch (Coercion.CoercionException e) {
                own.add(new ValidationError("invalid_input_type", "Failed to convert an input value to a " + spec.type() + " value",
                        name + ", " + Coercion.show(v) + ", " + e.getMessage(),
                        extra("input_name", name, "input_config", spec.toJson(env), "received_value", v, "exception_message", e.getMessage())));
            }
        }
        if (own.isEmpty() && selfChecks) {
            String reason;
            try {
                reason = node.validate(new NodeInputs(n.id(), n.classType(), literals), env);
            } catch (RuntimeException e) {
                reason = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            if (reason != null) {
                own.add(new ValidationError("custom_validation_failed", "Custom validation failed for node", reason, Map.of()));
            }
        }
        return values;
    }

    /** Coerces a literal; range and combo errors go to {@code own} (returns null then). */
    private Object coerce(InputSpec spec, JsonNode v, List<ValidationError> own) throws Coercion.CoercionException {
        String name = spec.name();
        String type = spec.type();
        if (spec.isSelfValidated()) {
            return spec.isCombo() || Types.STRING.equals(type) ? Coercion.toStr(v)
                    : Types.INT.equals(type) ? Coercion.toLong(Coercion.toInteger(v))
                    : Types.FLOAT.equals(type) ? (Object) Coercion.toDouble(v)
                    : Types.BOOLEAN.equals(type) ? (Object) Coercion.toBool(v) : v;
        }
        if (spec.isCombo()) {
            String s = Coercion.toStr(v);
            List<String> choices = spec.choices(env);
            if (!choices.contains(s)) {
                String list = choices.size() > 20 ? "(list of length " + choices.size() + ")"
                        : choices.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", ", "[", "]"));
                own.add(new ValidationError("value_not_in_list", "Value not in list", name + ": '" + s + "' not in " + list,
                        extra("input_name", name, "input_config", choices.size() > 20 ? null : spec.toJson(env), "received_value", v)));
                return null;
            }
            return s;
        }
        switch (type) {
            case Types.INT: {
                if (v.canConvertToLong() && v.isIntegralNumber()) {      // fast path
                    long x = v.longValue();
                    if (spec.option("min") instanceof Long lo && spec.option("max") instanceof Long hi && x >= lo && x <= hi) return x;
                }
                BigInteger b = Coercion.toInteger(v);
                if (!inRange(spec, new BigDecimal(b), v, own)) return null;
                return Coercion.toLong(b);
            }
            case Types.FLOAT: {
                double d = Coercion.toDouble(v);
                if (spec.option("min") instanceof Double lo && spec.option("max") instanceof Double hi && d >= lo && d <= hi) return d;
                if (Double.isNaN(d)) return d;      // NaN compares false with both bounds, as in Python
                // ±infinity (e.g. JSON 1e400) is beyond every finite bound, as in Python
                BigDecimal value = Double.isInfinite(d) ? (d > 0 ? Coercion.BEYOND : Coercion.BEYOND.negate()) : BigDecimal.valueOf(d);
                if (!inRange(spec, value, v, own)) return null;
                return d;
            }
            case Types.STRING:
                return Coercion.toStr(v);
            case Types.BOOLEAN:
                return Coercion.toBool(v);
            case Types.ANY:
                return v;
            default:
                throw new Coercion.CoercionException("a " + type + " input takes a link from a node that outputs " + type
                        + ", not a literal value");
        }
    }

    private boolean inRange(InputSpec spec, BigDecimal value, JsonNode v, List<ValidationError> own) {
        String name = spec.name();
        Object min = spec.option("min");
        Object max = spec.option("max");
        if (min != null && Coercion.compare(value, min) < 0) {
            own.add(new ValidationError("value_smaller_than_min", "Value " + Coercion.show(v) + " smaller than min of " + min, name,
                    extra("input_name", name, "input_config", spec.toJson(env), "received_value", v)));
            return false;
        }
        if (max != null && Coercion.compare(value, max) > 0) {
            own.add(new ValidationError("value_bigger_than_max", "Value " + Coercion.show(v) + " bigger than max of " + max, name,
                    extra("input_name", name, "input_config", spec.toJson(env), "received_value", v)));
            return false;
        }
        return true;
    }

    private static Map<String, Object> extra(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
