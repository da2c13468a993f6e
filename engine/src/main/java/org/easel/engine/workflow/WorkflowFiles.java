package org.easel.engine.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;

/**
 * Opens any shared workflow: API JSON, editor (UI) JSON, or a PNG with ComfyUI's {@code prompt} /
 * {@code workflow} text chunks, and gives both forms: {@link Loaded#prompt()} to run (a PNG's embedded
 * prompt when it has one, else the converted workflow) and {@link Loaded#workflow()} for the editor.
 */
public final class WorkflowFiles {
    /** What a file turned out to be. */
    public enum Form { API, UI, PNG }

    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);

    private final WorkflowConverter converter;

    public WorkflowFiles(NodeRegistry registry) {
        this.converter = new WorkflowConverter(registry);
    }

    public WorkflowConverter converter() { return converter; }

    /** Reads a file; the message of a failure names the file. */
    public Loaded read(Path file) throws WorkflowException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WorkflowException("no such file: " + file);
        } catch (IOException e) {
            throw new WorkflowException("cannot read " + file + ": " + e.getMessage());
        }
        return read(bytes, file.toString());
    }

    /** Detects the form of {@code bytes} ({@code name} is used in messages). */
    public Loaded read(byte[] bytes, String name) throws WorkflowException {
        if (PngMetadata.isPng(bytes)) {
            Map<String, String> text;
            try {
                text = PngMetadata.read(bytes);
            } catch (WorkflowException e) {
                throw new WorkflowException(name + ": " + e.getMessage(), null, e.field());
            }
            String p = text.get("prompt"), w = text.get("workflow");
            if (p == null && w == null) {
                throw new WorkflowException(name + " has no embedded workflow: it carries no 'workflow' or 'prompt' text chunk"
                        + (text.isEmpty() ? "" : " (its text chunks are " + text.keySet() + ")"), null, "png");
            }
            ObjectNode api = p == null ? null : apiOrNull(parse(p, name + " (chunk 'prompt')"));
            UiWorkflow ui = null;
            if (w != null) {
                JsonNode tree = parse(w, name + " (chunk 'workflow')");
                if (UiWorkflow.looksLike(tree)) ui = UiWorkflow.of(tree);
            }
            if (api == null && ui == null) {
                throw new WorkflowException(name + ": the embedded 'prompt' and 'workflow' chunks hold no workflow", null, "png");
            }
            return new Loaded(Form.PNG, name, ui, api, converter);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        return read(parse(text, name), name);
    }

    /** Detects the form of a parsed JSON document: editor JSON, API JSON or a {@code /prompt} request body. */
    public Loaded read(JsonNode tree, String name) throws WorkflowException {
        if (tree == null || !tree.isObject()) throw new WorkflowException(name + ": a workflow must be a JSON object", null, "json");
        if (UiWorkflow.looksLike(tree)) {
            try {
                return new Loaded(Form.UI, name, UiWorkflow.of(tree), null, converter);
            } catch (WorkflowException e) {
                throw new WorkflowException(name + ": " + e.getMessage(), e.nodeId(), e.field());
            }
        }
        if (tree.path("prompt").isObject() && !tree.has("class_type")) {          // a POST /prompt body
            JsonNode w = tree.path("extra_data").path("extra_pnginfo").path("workflow");
            UiWorkflow ui = UiWorkflow.looksLike(w) ? UiWorkflow.of(w) : null;
            return new Loaded(Form.API, name, ui, api(tree.get("prompt"), name), converter);
        }
        return new Loaded(Form.API, name, null, api(tree, name), converter);
    }

    private static JsonNode parse(String text, String name) throws WorkflowException {
        try {
            return READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw WorkflowException.badJson(name, e);
        }
    }

    private static ObjectNode api(JsonNode tree, String name) throws WorkflowException {
        ObjectNode o = apiOrNull(tree);
        if (o != null) return o;
        throw new WorkflowException(name + " is not a workflow: neither editor JSON (with a \"nodes\" array) nor API JSON "
                + "(node id → {\"class_type\", \"inputs\"})" + firstProblem(tree), null, "json");
    }

    /** ComfyUI's isApiJson: a non-empty object whose every value has a string class_type and object inputs. */
    private static ObjectNode apiOrNull(JsonNode tree) {
        if (tree == null || !tree.isObject() || tree.isEmpty()) return null;
        for (Iterator<JsonNode> it = tree.elements(); it.hasNext(); ) {
            JsonNode n = it.next();
            if (!n.isObject() || !n.path("class_type").isTextual()) return null;
            if (n.has("inputs") && !n.get("inputs").isObject()) return null;
        }
        return (ObjectNode) tree;
    }

    private static String firstProblem(JsonNode tree) {
        if (tree == null || !tree.isObject() || tree.isEmpty()) return "";
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue();
            if (!n.isObject()) return "; node " + e.getKey() + " is not an object";
            if (!n.path("class_type").isTextual()) return "; node " + e.getKey() + " has no \"class_type\"";
            if (n.has("inputs") && !n.get("inputs").isObject()) return "; node " + e.getKey() + ": \"inputs\" is not an object";
        }
        return "";
    }

    /** An opened workflow file. */
    public static final class Loaded {
        private final Form form;
        private final String name;
        private final WorkflowConverter converter;
        private UiWorkflow ui;
        private ObjectNode api;
        private final boolean embeddedPrompt;
        private List<String> warnings = List.of();

        Loaded(Form form, String name, UiWorkflow ui, ObjectNode api, WorkflowConverter converter) {
            this.form = form;
            this.name = name;
            this.ui = ui;
            this.api = api;
            this.embeddedPrompt = api != null;
            this.converter = converter;
        }

        public Form form() { return form; }
        public String name() { return name; }
        /** True when the file itself holds an API prompt (API JSON, or a PNG with a {@code prompt} chunk). */
        public boolean hasPrompt() { return embeddedPrompt; }
        /** True when the file itself holds an editor workflow. */
        public boolean hasWorkflow() { return ui != null; }

        /** The API prompt to run: the file's own prompt when it has one, else the converted workflow. */
        public synchronized ObjectNode prompt() throws WorkflowException {
            if (api == null) {
                WorkflowConverter.Conversion c = converter.convert(ui);
                api = c.prompt();
                warnings = c.warnings();
            }
            return api;
        }

        /** The editor workflow: the file's own, or one made from the API prompt. */
        public synchronized UiWorkflow workflow() throws WorkflowException {
            if (ui == null) ui = converter.toWorkflow(api);
            return ui;
        }

        /** What converting to a prompt had to tolerate (empty until {@link #prompt()} converted). */
        public synchronized List<String> warnings() { return warnings; }
    }
}
