package org.easel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.workflow.WorkflowException;
import org.easel.engine.workflow.WorkflowFiles;

/** Reads a workflow file (API JSON, editor JSON or PNG) and applies {@code NODE_ID.INPUT → VALUE} overrides. */
final class WorkflowFile {
    private WorkflowFile() {}

    /** A problem with the file or an override, reported to the user as one line. */
    static final class FileProblem extends Exception {
        final Problem problem;

        FileProblem(String message) { this(new Problem(null, null, null, "invalid_workflow", message, null)); }

        FileProblem(Problem problem) {
            super(problem.message());
            this.problem = problem;
        }
    }

    /**
     * A workflow opened for running: the API prompt, the editor workflow the file carried (editor JSON, a PNG's
     * {@code workflow} chunk or a {@code /prompt} body's {@code extra_pnginfo}; null for plain API JSON), and what
     * converting an editor workflow had to tolerate.
     */
    record Opened(ObjectNode prompt, JsonNode workflow, List<String> warnings) {}

    /** Reads API JSON, editor (UI) JSON, or a PNG with ComfyUI's {@code prompt}/{@code workflow} chunks. */
    static Opened read(Path file, NodeRegistry registry) throws FileProblem {
        try {
            return opened(new WorkflowFiles(registry).read(file), file.toString());
        } catch (WorkflowException e) {
            throw new FileProblem(problem(e));
        }
    }

    /** The prompt in {@code tree}: API JSON, a {@code /prompt} request body holding one, or editor JSON (converted). */
    static Opened apiPrompt(JsonNode tree, String source, NodeRegistry registry) throws FileProblem {
        try {
            return opened(new WorkflowFiles(registry).read(tree, source), source);
        } catch (WorkflowException e) {
            throw new FileProblem(problem(e));
        }
    }

    private static Opened opened(WorkflowFiles.Loaded loaded, String source) throws WorkflowException {
        ObjectNode prompt = loaded.prompt();
        if (prompt.isEmpty()) throw new WorkflowException(source + " has no nodes to run");
        return new Opened(prompt, loaded.hasWorkflow() ? loaded.workflow().json() : null, loaded.warnings());
    }

    private static Problem problem(WorkflowException e) {
        return new Problem(e.nodeId(), null, e.field(), "invalid_workflow", e.getMessage(), null);
    }

    /**
     * Applies {@code NODE_ID.INPUT → VALUE}; the value stays text and is coerced by the input's declared type
     * when the prompt is validated.
     */
    static void applySet(ObjectNode prompt, Map<String, String> sets, NodeRegistry registry) throws FileProblem {
        for (Map.Entry<String, String> s : sets.entrySet()) {
            String key = s.getKey();
            int dot = key.lastIndexOf('.');
            if (dot <= 0 || dot == key.length() - 1) {
                throw new FileProblem(new Problem(null, null, null, "bad_override",
                        "an override is named NODE_ID.INPUT, not '" + key + "'", null));
            }
            String id = key.substring(0, dot);
            String input = key.substring(dot + 1);
            JsonNode node = prompt.get(id);
            if (node == null || !node.isObject()) {
                throw new FileProblem(new Problem(id, null, input, "bad_override",
                        key + ": there is no node '" + id + "' in the workflow", null));
            }
            String classType = node.path("class_type").asText(null);
            Node type = classType == null ? null : registry.get(classType);
            if (type != null) {
                InputSpec spec = type.schema().input(input);
                if (spec == null) {
                    throw new FileProblem(new Problem(id, classType, input, "bad_override",
                            key + ": node " + id + " (" + classType + ") has no input '" + input
                            + "'; its inputs are " + type.schema().inputs().keySet(), null));
                }
                if (!spec.isPrimitive() && !"*".equals(spec.type())) {
                    throw new FileProblem(new Problem(id, classType, input, "bad_override",
                            key + ": input '" + input + "' of node " + id + " is a " + spec.type() + " link, not a value", null));
                }
            }
            ObjectNode inputs = node.has("inputs") && node.get("inputs").isObject()
                    ? (ObjectNode) node.get("inputs") : ((ObjectNode) node).putObject("inputs");
            inputs.put(input, s.getValue());
        }
    }

    static Prompt parse(ObjectNode tree) throws FileProblem {
        try {
            return Prompt.of(tree);
        } catch (PromptFormatException e) {
            throw new FileProblem(e.getMessage());
        }
    }
}
