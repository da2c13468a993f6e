package org.easel.engine.validation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.prompt.PromptGraph;

/**
 * The outcome of validating a prompt, in ComfyUI's terms: either a top-level error, or the outputs to
 * execute (possibly with errors for other outputs in {@code node_errors}).
 */
public final class ValidationResult {
    /** Errors of one node plus the outputs that depend on it. */
    public record NodeErrors(String classType, List<ValidationError> errors, List<String> dependentOutputs) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("errors", errors.stream().map(ValidationError::toJson).toList());
            m.put("dependent_outputs", dependentOutputs);
            m.put("class_type", classType);
            return m;
        }
    }

    private final ValidationError error;
    private final List<String> outputs;
    private final Map<String, NodeErrors> nodeErrors;
    private final Map<String, ResolvedNode> resolved;
    private final PromptGraph graph;

    ValidationResult(ValidationError error, List<String> outputs, Map<String, NodeErrors> nodeErrors,
                     Map<String, ResolvedNode> resolved, PromptGraph graph) {
        this.error = error;
        this.outputs = List.copyOf(outputs);
        this.nodeErrors = Collections.unmodifiableMap(nodeErrors);
        this.resolved = Collections.unmodifiableMap(resolved);
        this.graph = graph;
    }

    static ValidationResult failure(ValidationError error, Map<String, NodeErrors> nodeErrors) {
        return new ValidationResult(error, List.of(), nodeErrors, Map.of(), null);
    }

    public boolean ok() { return error == null; }
    /** The top-level error when not ok. */
    public ValidationError error() { return error; }
    /** The output node ids that will execute, in prompt order. */
    public List<String> outputs() { return outputs; }
    public Map<String, NodeErrors> nodeErrors() { return nodeErrors; }
    /** Validated nodes (every node the executed outputs need) by id, each after the nodes it links from. */
    public Map<String, ResolvedNode> resolved() { return resolved; }
    /** The prompt's dependency graph (null when validation stopped before building it). */
    public PromptGraph graph() { return graph; }

    public Map<String, Object> nodeErrorsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        nodeErrors.forEach((id, e) -> m.put(id, e.toJson()));
        return m;
    }

    /** ComfyUI's 400 body: {@code {"error": {...}, "node_errors": {...}}}. */
    public Map<String, Object> errorJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error == null ? null : error.toJson());
        m.put("node_errors", nodeErrorsJson());
        return m;
    }

    /** Human-readable lines: the top-level error, then one line per node error naming node and input. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        if (error != null) {
            String d = error.details() == null || error.details().isEmpty() || !nodeErrors.isEmpty() ? "" : ": " + error.details();
            lines.add(error.message() + d);
        }
        nodeErrors.forEach((id, ne) -> {
            for (ValidationError e : ne.errors()) {
                String input = e.inputName();
                lines.add("  node #" + id + " (" + ne.classType() + ")"
                        + (input != null ? ", input '" + input + "'" : "")
                        + ": " + e.message()
                        + (e.details() != null && !e.details().isEmpty() && !e.details().equals(input) ? " — " + e.details() : ""));
            }
        });
        return lines;
    }
}
