package org.easel.nodes.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.easel.Easel;
import org.easel.Validation;
import org.easel.engine.Json;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.workflow.UiWorkflow;
import org.easel.engine.workflow.WorkflowConverter;
import org.easel.engine.workflow.WorkflowFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Editor-format workflows as ComfyUI's editor saves them (schema 0.4, groups, notes, a legacy Reroute, a
 * PrimitiveNode, a muted preview, a subgraph with a bypassed node) against the real node schemas: each
 * converts to the API JSON written next to it, validates and runs on the demo model. And every file in
 * {@code workflows/} ships in editor format too, converting back to the same prompt.
 */
class ComfyWorkflowFilesTest {
    @TempDir
    static Path home;
    static WorkflowRunner runner;
    static WorkflowConverter converter;

    /** The node library plus the example script nodes in {@code workflows/custom_nodes}. */
    static Easel withScripts;

    @BeforeAll
    static void setUp() throws Exception {
        runner = new WorkflowRunner(home);
        converter = new WorkflowConverter(runner.registry);
        withScripts = Easel.builder().home(home).customNodes(WorkflowRunner.WORKFLOWS.resolve("custom_nodes")).prepare(false).build();
    }

    @AfterAll
    static void tearDown() {
        withScripts.close();
    }

    static JsonNode resource(String name) throws Exception {
        try (InputStream in = ComfyWorkflowFilesTest.class.getResourceAsStream("/comfyui/" + name)) {
            if (in == null) throw new AssertionError("missing test resource " + name);
            return Json.MAPPER.readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"txt2img", "img2img", "hires-fix", "sd35-text-encoders", "subgraph"})
    void editorFileConvertsToComfysPromptValidatesAndRuns(String name) throws Exception {
        UiWorkflow ui = UiWorkflow.of(resource(name + ".json"));
        WorkflowConverter.Conversion c = converter.convert(ui);
        assertEquals(resource(name + ".api.json"), c.prompt());
        assertEquals(List.of(), c.warnings());
        ValidationResult v = runner.validate(c.prompt());
        assertTrue(v.ok() && v.nodeErrors().isEmpty(), () -> String.join("\n", v.describe()));
        ExecutionResult r = runner.run(c.prompt());
        assertTrue(r.success(), r::errorMessage);
        assertEquals(1, runner.savedImages(r).size());
    }

    @Test
    void oldApiPromptsWithTheUploadButtonStillValidate() throws Exception {
        ObjectNode old = (ObjectNode) resource("img2img.api.json");
        old.elements().forEachRemaining(n -> ((ObjectNode) n).remove("_meta"));
        ((ObjectNode) old.get("10").get("inputs")).put("choose file to upload", "image");
        ValidationResult v = runner.validate(old);
        assertTrue(v.ok() && v.nodeErrors().isEmpty(), () -> String.join("\n", v.describe()));
        UiWorkflow ui = converter.toWorkflow(old.deepCopy());
        assertEquals(Json.parse("[\"easel-sample.png\", \"image\"]"), ui.graph().node("10").widgetsValues());
    }

    @ParameterizedTest
    @ValueSource(strings = {"txt2img", "img2img", "hires-fix", "sd35-text-encoders", "subgraph"})
    void editorFileSurvivesWritingAndTheApiRoundTrip(String name) throws Exception {
        JsonNode original = resource(name + ".json");
        UiWorkflow ui = UiWorkflow.of(original.deepCopy());
        assertEquals(original, Json.parse(ui.write()), "unknown fields kept");
        ObjectNode prompt = converter.toPrompt(ui);
        UiWorkflow generated = converter.toWorkflow(prompt.deepCopy());
        ObjectNode again = converter.toPrompt(UiWorkflow.parse(generated.write()));
        assertEquals(graph(prompt), graph(again), "UI → API → UI → API gives the same executable graph");
        if (!name.equals("subgraph")) assertEquals(prompt, again, "and, without flattened ids to renumber, the same JSON");
    }

    /** Each node as its class, literal inputs and, recursively, what feeds its links: the graph without its ids. */
    static List<String> graph(ObjectNode prompt) {
        return iterable(prompt.fieldNames()).stream().map(id -> signature(prompt, id, 0)).sorted().toList();
    }

    private static String signature(ObjectNode prompt, String id, int depth) {
        JsonNode n = prompt.get(id);
        if (n == null || depth > 100) return "?";
        StringBuilder b = new StringBuilder(n.get("class_type").asText()).append('{');
        for (String k : iterable(n.get("inputs").fieldNames()).stream().sorted().toList()) {
            JsonNode v = n.get("inputs").get(k);
            b.append(k).append('=');
            if (v.isArray() && v.size() == 2 && v.get(0).isTextual()) b.append(signature(prompt, v.get(0).asText(), depth + 1)).append('.').append(v.get(1));
            else b.append(v);
            b.append(';');
        }
        return b.append('}').toString();
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    static Stream<String> shippedWorkflows() throws Exception {
        try (Stream<Path> s = Files.list(WorkflowRunner.WORKFLOWS)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("shippedWorkflows")
    void everyShippedWorkflowAlsoShipsInEditorFormatAndConvertsBack(String file) throws Exception {
        ObjectNode api = WorkflowRunner.load(file);
        Path uiFile = WorkflowRunner.WORKFLOWS.resolve("ui").resolve(file);
        assertTrue(Files.exists(uiFile), "workflows/ui/" + file + " is missing");
        WorkflowConverter converter = new WorkflowConverter(withScripts.registry());
        WorkflowFiles.Loaded loaded = new WorkflowFiles(withScripts.registry()).read(uiFile);
        assertEquals(WorkflowFiles.Form.UI, loaded.form());
        ObjectNode back = loaded.prompt().deepCopy();
        back.fields().forEachRemaining(e -> {          // files without titles get the editor's titles, nothing else
            if (api.has(e.getKey()) && !api.get(e.getKey()).has("_meta")) ((ObjectNode) e.getValue()).remove("_meta");
        });
        assertEquals(api, back, "workflows/ui/" + file + " converts to workflows/" + file);
        assertEquals(List.of(), loaded.warnings());
        assertEquals(Json.parse(converter.toWorkflow(api.deepCopy()).write()), loaded.workflow().json(),
                "workflows/ui/" + file + " is what `easel convert workflows/" + file + " --to ui` writes");
        Validation v = withScripts.validate(loaded.prompt(), Map.of());
        assertTrue(v.valid(), () -> String.join("\n", v.describe()));
    }

    @Test
    void anEditorFileFromTheWorkflowsFolderRuns() throws Exception {
        WorkflowFiles.Loaded loaded = new WorkflowFiles(runner.registry).read(WorkflowRunner.WORKFLOWS.resolve("ui/text-to-image.json"));
        ExecutionResult r = runner.run(loaded.prompt());
        assertTrue(r.success(), r::errorMessage);
    }
}
