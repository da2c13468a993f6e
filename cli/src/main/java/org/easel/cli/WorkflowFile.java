package org.easel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.workflow.UiWorkflow;
import org.easel.engine.workflow.WorkflowException;
import org.easel.engine.workflow.WorkflowFiles;

/** Reads a workflow file (API JSON, editor JSON or PNG) and applies {@code --set NODE_ID.INPUT=VALUE} overrides. */
final class WorkflowFile {
    private WorkflowFile() {}

    /** A workflow file opened for running: the API prompt and, when the file has one, the editor workflow. */
    record Opened(ObjectNode prompt, UiWorkflow workflow, WorkflowFiles.Form form) {
        /**
         * {@code extra_data} for the executor: the file's own editor workflow, so saved pictures carry it; none
         * when {@code --set} changed the prompt (SaveImage then makes the workflow from the prompt that ran).
         */
        ObjectNode extraData(boolean changed) {
            if (workflow == null || changed) return null;
            ObjectNode extra = Json.MAPPER.createObjectNode();
            extra.putObject("extra_pnginfo").set("workflow", workflow.json());
            return extra;
        }
    }

    /**
     * Reads an API JSON, an editor (UI) JSON or a PNG with embedded metadata; prints what the conversion had to
     * tolerate to {@code warnings}.
     */
    static Opened open(Path file, NodeRegistry registry, PrintStream warnings) throws WorkflowException {
        WorkflowFiles.Loaded loaded = new WorkflowFiles(registry).read(file);
        ObjectNode prompt = loaded.prompt();
        for (String w : loaded.warnings()) warnings.println("warning: " + w);
        if (prompt.isEmpty()) throw new WorkflowException(file + " has no nodes to run");
        return new Opened(prompt, loaded.hasWorkflow() ? loaded.workflow() : null, loaded.form());
    }

    /** The API prompt of any workflow file (see {@link #open}). */
    static ObjectNode read(Path file, NodeRegistry registry) throws WorkflowException {
        return open(file, registry, System.err).prompt();
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
