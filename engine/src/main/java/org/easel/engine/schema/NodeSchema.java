package org.easel.engine.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a node type declares: inputs (required / optional / hidden), outputs, category, display name,
 * description and whether it is an output node. Serialises to ComfyUI's {@code /object_info} entry.
 */
public final class NodeSchema {
    private final String name;
    private final String displayName;
    private final String category;
    private final String description;
    private final boolean outputNode;
    private final boolean notIdempotent;
    private final boolean inputIsList;
    private final String module;
    private final List<InputSpec> required;
    private final List<InputSpec> optional;
    private final Map<String, String> hidden;
    private final List<OutputSpec> outputs;
    private final Map<String, InputSpec> byName;

    private NodeSchema(Builder b) {
        this.name = b.name;
        this.displayName = b.displayName == null ? b.name : b.displayName;
        this.category = b.category;
        this.description = b.description;
        this.outputNode = b.outputNode;
        this.notIdempotent = b.notIdempotent;
        this.inputIsList = b.inputIsList;
        this.module = b.module;
        this.required = List.copyOf(b.required);
        this.optional = List.copyOf(b.optional);
        this.hidden = Collections.unmodifiableMap(new LinkedHashMap<>(b.hidden));
        this.outputs = List.copyOf(b.outputs);
        Map<String, InputSpec> m = new LinkedHashMap<>();
        for (InputSpec s : required) put(m, s);
        for (InputSpec s : optional) put(m, s);
        this.byName = Collections.unmodifiableMap(m);
    }

    private void put(Map<String, InputSpec> m, InputSpec s) {
        if (m.put(s.name(), s) != null || hidden.containsKey(s.name())) {
            throw new IllegalArgumentException(name + ": input '" + s.name() + "' declared twice");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() { return name; }
    public String displayName() { return displayName; }
    public String category() { return category; }
    public String description() { return description; }
    public boolean isOutputNode() { return outputNode; }
    /** Like ComfyUI's NOT_IDEMPOTENT: the node id is part of the cache key. */
    public boolean isNotIdempotent() { return notIdempotent; }
    public List<InputSpec> required() { return required; }
    public List<InputSpec> optional() { return optional; }
    /** Hidden input name → kind (PROMPT, EXTRA_PNGINFO, UNIQUE_ID). */
    public Map<String, String> hidden() { return hidden; }
    public List<OutputSpec> outputs() { return outputs; }
    /** Declared required and optional inputs by name, in declaration order. */
    public Map<String, InputSpec> inputs() { return byName; }
    public InputSpec input(String name) { return byName.get(name); }
    public boolean isRequired(String input) {
        for (InputSpec s : required) if (s.name().equals(input)) return true;
        return false;
    }

    /** The {@code /object_info} JSON of this node (as plain maps and lists). */
    public Map<String, Object> toObjectInfo(Folders env) {
        Map<String, Object> input = new LinkedHashMap<>();
        Map<String, Object> order = new LinkedHashMap<>();
        input.put("required", section(required, env));
        order.put("required", required.stream().map(InputSpec::name).toList());
        if (!optional.isEmpty()) {
            input.put("optional", section(optional, env));
            order.put("optional", optional.stream().map(InputSpec::name).toList());
        }
        if (!hidden.isEmpty()) {
            input.put("hidden", hidden);
            order.put("hidden", new ArrayList<>(hidden.keySet()));
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("input", input);
        info.put("input_order", order);
        info.put("is_input_list", inputIsList);
        info.put("output", outputs.stream().map(OutputSpec::type).toList());
        info.put("output_is_list", outputs.stream().map(OutputSpec::isList).toList());
        info.put("output_name", outputs.stream().map(OutputSpec::name).toList());
        info.put("name", name);
        info.put("display_name", displayName);
        info.put("description", description);
        info.put("python_module", module);
        info.put("category", category);
        info.put("output_node", outputNode);
        if (outputs.stream().anyMatch(o -> o.tooltip() != null)) {
            info.put("output_tooltips", outputs.stream().map(o -> o.tooltip() == null ? "" : o.tooltip()).toList());
        }
        return info;
    }

    private static Map<String, Object> section(List<InputSpec> specs, Folders env) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (InputSpec s : specs) m.put(s.name(), s.toJson(env));
        return m;
    }

    public static final class Builder {
        private final String name;
        private String displayName;
        private String category = "easel";
        private String description = "";
        private boolean outputNode;
        private boolean notIdempotent;
        private boolean inputIsList;
        private String module = "nodes";
        private final List<InputSpec> required = new ArrayList<>();
        private final List<InputSpec> optional = new ArrayList<>();
        private final Map<String, String> hidden = new LinkedHashMap<>();
        private final List<OutputSpec> outputs = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        public Builder displayName(String v) { displayName = v; return this; }
        public Builder category(String v) { category = v; return this; }
        public Builder description(String v) { description = v; return this; }
        public Builder module(String v) { module = v; return this; }
        public Builder outputNode() { outputNode = true; return this; }
        public Builder notIdempotent() { notIdempotent = true; return this; }
        public Builder required(InputSpec... specs) { required.addAll(List.of(specs)); return this; }
        public Builder optional(InputSpec... specs) { optional.addAll(List.of(specs)); return this; }
        /** A hidden input: kind is PROMPT, EXTRA_PNGINFO or UNIQUE_ID. */
        public Builder hidden(String inputName, String kind) { hidden.put(inputName, kind); return this; }
        public Builder output(String type) { outputs.add(new OutputSpec(type)); return this; }
        public Builder output(String type, String outputName) { outputs.add(new OutputSpec(type, outputName, false, null)); return this; }
        public Builder output(OutputSpec spec) { outputs.add(spec); return this; }
        public NodeSchema build() { return new NodeSchema(this); }
    }
}
