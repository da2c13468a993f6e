package org.easel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.schema.InputSpec;

/** Reads a workflow file (ComfyUI API format) and applies {@code --set NODE_ID.INPUT=VALUE} overrides. */
final class WorkflowFile {
    private WorkflowFile() {}

    /** A problem with the file or an override, reported to the user as one line. */
    static final class WorkflowException extends Exception {
        WorkflowException(String message) { super(message); }
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
        if (!tree.isObject()) throw new WorkflowException(file + ": a workflow must be a JSON object");
        if (tree.has("nodes") && tree.get("nodes").isArray() && tree.has("links")) {
            throw new WorkflowException(file + " is an editor (UI) workflow; export it in API format "
                    + "(\"Save (API)\" / \"Export (API)\") to run it from the command line");
        }
        if (tree.has("prompt") && tree.get("prompt").isObject() && !tree.has("class_type")) {
            tree = tree.get("prompt");          // a /prompt request body
        }
        return (ObjectNode) tree;
    }

    /** Applies {@code NODE_ID.INPUT=VALUE}; the value stays text and is coerced by the input's declared type. */
    static void applySet(ObjectNode prompt, List<String> sets, NodeRegistry registry) throws WorkflowException {
        for (String s : sets) {
            int eq = s.indexOf('=');
            int dot = eq < 0 ? -1 : s.lastIndexOf('.', eq);
            if (eq < 0 || dot <= 0 || dot == eq - 1) {
                throw new WorkflowException("--set expects NODE_ID.INPUT=VALUE, got '" + s + "'");
            }
            String id = s.substring(0, dot);
            String input = s.substring(dot + 1, eq);
            String value = s.substring(eq + 1);
            JsonNode node = prompt.get(id);
            if (node == null || !node.isObject()) {
                throw new WorkflowException("--set " + s + ": there is no node '" + id + "' in the workflow");
            }
            String classType = node.path("class_type").asText(null);
            Node type = classType == null ? null : registry.get(classType);
            if (type != null) {
                InputSpec spec = type.schema().input(input);
                if (spec == null) {
                    throw new WorkflowException("--set " + s + ": node " + id + " (" + classType + ") has no input '" + input
                            + "'; its inputs are " + type.schema().inputs().keySet());
                }
                if (!spec.isPrimitive() && !"*".equals(spec.type())) {
                    throw new WorkflowException("--set " + s + ": input '" + input + "' of node " + id + " is a "
                            + spec.type() + " link, not a value");
                }
            }
            ObjectNode inputs = node.has("inputs") && node.get("inputs").isObject()
                    ? (ObjectNode) node.get("inputs") : ((ObjectNode) node).putObject("inputs");
            inputs.put(input, value);
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
