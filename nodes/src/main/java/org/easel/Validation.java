package org.easel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationError;
import org.easel.engine.validation.ValidationResult;

/**
 * What {@link Easel#validate} found, as values: the {@link Problem}s (one per node and input, or about the
 * whole workflow), the output nodes that will run, the parsed prompt with the engine's validation result,
 * the editor workflow the file carried (null for API JSON, or when overrides changed the prompt) and what
 * converting an editor workflow had to tolerate, for running it with
 * {@code Easel.run(Validation, promptId, extraData, listener)}.
 * <p>
 * {@link #runnable()} is true when at least one output can run; outputs whose inputs are invalid are
 * skipped and their problems listed, as ComfyUI does. {@link #valid()} is true only when nothing is wrong.
 */
public record Validation(List<Problem> problems, List<String> outputs, Prompt prompt, ValidationResult result,
                         JsonNode workflow, List<String> warnings) {

    public Validation {
        problems = List.copyOf(problems);
        outputs = List.copyOf(outputs);
        warnings = List.copyOf(warnings);
    }

    /** A workflow that could not be read or overridden: one problem, nothing to run. */
    static Validation failed(Problem p) {
        return new Validation(List.of(p), List.of(), null, null, null, List.of());
    }

    /**
     * The editor workflow to embed in saved pictures ({@code extra_data} with {@code extra_pnginfo.workflow}),
     * or null when the file carried none (SaveImage then makes one from the prompt).
     */
    public JsonNode extraData() {
        if (workflow == null) return null;
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.putObject("extra_pnginfo").set("workflow", workflow);
        return extra;
    }

    /** The engine's result turned into problems by node and input. */
    static Validation of(Prompt prompt, ValidationResult r) {
        return of(prompt, r, null, List.of());
    }

    /** As {@link #of(Prompt, ValidationResult)}, keeping the file's editor workflow and conversion warnings. */
    static Validation of(Prompt prompt, ValidationResult r, JsonNode workflow, List<String> warnings) {
        List<Problem> list = new ArrayList<>();
        r.nodeErrors().forEach((id, ne) -> {
            for (ValidationError e : ne.errors()) list.add(Problem.of(id, ne.classType(), e));
        });
        ValidationError top = r.error();
        if (top != null && list.isEmpty()) {
            Map<String, Object> extra = top.extraInfo();
            Object nodeId = extra.get("node_id");
            Object classType = extra.get("class_type");
            list.add(new Problem(nodeId == null ? null : nodeId.toString(), classType == null ? null : classType.toString(),
                    null, top.type(), top.message(), top.details()));
        }
        return new Validation(list, r.outputs(), prompt, r, workflow, warnings);
    }

    /** At least one output node can run. */
    public boolean runnable() { return result != null && result.ok(); }

    /** Nothing is wrong: every output node can run. */
    public boolean valid() { return runnable() && problems.isEmpty(); }

    /** Human-readable lines: one per problem, naming node and input. */
    public List<String> describe() {
        if (result != null) return result.describe();
        return problems.stream().map(Problem::describe).toList();
    }
}
