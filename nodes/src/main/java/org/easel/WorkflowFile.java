package org.easel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.schema.InputSpec;

/** Reads a workflow file (ComfyUI API format) and applies {@code NODE_ID.INPUT → VALUE} overrides. */
final class WorkflowFile {
    private WorkflowFile() {}

    /** A problem with the file or an override, reported to the user as one line. */
    static final class WorkflowException extends Exception {
        final Problem problem;

        WorkflowException(String message) { this(new Problem(null, null, null, "invalid_workflow", message, null)); }

        WorkflowException(Problem problem) {
            super(problem.message());
            this.problem = problem;
        }
    }

    static ObjectNode read(Path file) throws WorkflowException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new WorkflowException("no such file: " + file);
        } catch (IOException e) {
            throw new WorkflowException("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode tree;
        try {
            tree = Json.parse(text);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            throw new WorkflowException(file + " is not valid JSON: " + m);
        }
        return apiPrompt(tree, file.toString());
    }

    /** The API-format prompt in {@code tree} (a prompt, or a {@code /prompt} request body holding one). */
    static ObjectNode apiPrompt(JsonNode tree, String source) throws WorkflowException {
        if (tree == null || !tree.isObject()) throw new WorkflowException(source + ": a workflow must be a JSON object");
        if (tree.has("nodes") && tree.get("nodes").isArray() && tree.has("links")) {
            throw new WorkflowException(source + " is an editor (UI) workflow; export it in API format "
                    + "(\"Save (API)\" / \"Export (API)\") to run it");
        }
        if (tree.has("prompt") && tree.get("prompt").isObject() && !tree.has("class_type")) {
            tree = tree.get("prompt");          // a /prompt request body
        }
        return (ObjectNode) tree;
    }

    /**
     * Applies {@code NODE_ID.INPUT → VALUE}; the value stays text and is coerced by the input's declared type
     * when the prompt is validated.
     */
    static void applySet(ObjectNode prompt, Map<String, String> sets, NodeRegistry registry) throws WorkflowException {
        for (Map.Entry<String, String> s : sets.entrySet()) {
            String key = s.getKey();
            int dot = key.lastIndexOf('.');
            if (dot <= 0 || dot == key.length() - 1) {
                throw new WorkflowException(new Problem(null, null, null, "bad_override",
                        "an override is named NODE_ID.INPUT, not '" + key + "'", null));
            }
            String id = key.substring(0, dot);
            String input = key.substring(dot + 1);
            JsonNode node = prompt.get(id);
            if (node == null || !node.isObject()) {
                throw new WorkflowException(new Problem(id, null, input, "bad_override",
                        key + ": there is no node '" + id + "' in the workflow", null));
            }
            String classType = node.path("class_type").asText(null);
            Node type = classType == null ? null : registry.get(classType);
            if (type != null) {
                InputSpec spec = type.schema().input(input);
                if (spec == null) {
                    throw new WorkflowException(new Problem(id, classType, input, "bad_override",
                            key + ": node " + id + " (" + classType + ") has no input '" + input
                            + "'; its inputs are " + type.schema().inputs().keySet(), null));
                }
                if (!spec.isPrimitive() && !"*".equals(spec.type())) {
                    throw new WorkflowException(new Problem(id, classType, input, "bad_override",
                            key + ": input '" + input + "' of node " + id + " is a " + spec.type() + " link, not a value", null));
                }
            }
            ObjectNode inputs = node.has("inputs") && node.get("inputs").isObject()
                    ? (ObjectNode) node.get("inputs") : ((ObjectNode) node).putObject("inputs");
            inputs.put(input, s.getValue());
        }
    }

    static Prompt parse(ObjectNode tree) throws WorkflowException {
        try {
            return Prompt.of(tree);
        } catch (PromptFormatException e) {
            throw new WorkflowException(e.getMessage());
        }
    }
}
