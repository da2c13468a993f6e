package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.codec.PngWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor's converter routes: /workflow/to-prompt, /workflow/to-workflow, /workflow/read, and their 400s. */
class WorkflowRoutesTest {
    static final Path WORKFLOWS = Path.of("..", "workflows").toAbsolutePath().normalize();
    @TempDir
    static Path dir;
    static Harness h;
    static JsonNode api;
    static JsonNode ui;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(dir);
        api = Json.MAPPER.readTree(WORKFLOWS.resolve("basic-math.json").toFile());
        ui = Json.MAPPER.readTree(WORKFLOWS.resolve("ui/basic-math.json").toFile());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** The prompt without the {@code _meta} titles the editor adds (basic-math.json has none). */
    static JsonNode untitled(JsonNode prompt) {
        ObjectNode p = prompt.deepCopy();
        p.elements().forEachRemaining(n -> ((ObjectNode) n).remove("_meta"));
        return p;
    }

    Harness.Resp postBytes(String path, byte[] body, String contentType) throws Exception {
        return h.send(h.req(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    @Test
    void toPromptAndToWorkflowUnderBothPrefixes() throws Exception {
        for (String prefix : new String[] {"", "/api"}) {
            Harness.Resp r = h.post(prefix + "/workflow/to-prompt", ui);
            assertEquals(200, r.status(), r.body());
            assertEquals(untitled(api), untitled(r.json().get("prompt")));
            Harness.Resp w = postBytes(prefix + "/workflow/to-workflow", Json.write(api).getBytes(), "text/plain");
            assertEquals(200, w.status(), w.body());
            JsonNode workflow = w.json().get("workflow");
            assertTrue(workflow.get("nodes").isArray() && workflow.get("links").isArray(), w.body());
            Harness.Resp back = h.post(prefix + "/workflow/to-prompt", workflow);
            assertEquals(untitled(api), untitled(back.json().get("prompt")));
        }
    }

    @Test
    void readGivesBothFormsForEveryKindOfFile() throws Exception {
        Harness.Resp fromUi = postBytes("/api/workflow/read", Json.write(ui).getBytes(), "application/octet-stream");
        assertEquals(200, fromUi.status(), fromUi.body());
        assertEquals(ui, fromUi.json().get("workflow"));
        assertEquals(untitled(api), untitled(fromUi.json().get("prompt")));

        Harness.Resp fromApi = postBytes("/api/workflow/read", Json.write(api).getBytes(), "application/json");
        assertEquals(api, fromApi.json().get("prompt"));
        assertEquals(untitled(api), untitled(h.post("/workflow/to-prompt", fromApi.json().get("workflow")).json().get("prompt")));

        byte[] both = PngWriter.encode(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB),
                Map.of("prompt", Json.write(api), "workflow", Json.write(ui)), 1);
        Harness.Resp fromPng = postBytes("/workflow/read", both, "image/png");
        assertEquals(api, fromPng.json().get("prompt"));
        assertEquals(ui, fromPng.json().get("workflow"));

        byte[] promptOnly = PngWriter.encode(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), Map.of("prompt", Json.write(api)), 1);
        Harness.Resp p = postBytes("/workflow/read", promptOnly, "image/png");
        assertEquals(api, p.json().get("prompt"));
        assertTrue(p.json().get("workflow").get("nodes").isArray(), "a workflow made from the prompt: " + p.body());
    }

    static void assertInvalid(Harness.Resp r, String... fragments) {
        assertEquals(400, r.status(), r.body());
        JsonNode e = r.json().get("error");
        assertEquals("invalid_workflow", e.get("type").asText());
        assertTrue(e.has("details") && e.get("extra_info").isObject() && r.json().get("node_errors").isObject(), r.body());
        String text = e.get("message").asText() + " | " + e.get("details").asText();
        for (String f : fragments) assertTrue(text.contains(f), "'" + f + "' in " + text);
    }

    @Test
    void brokenInputGetsComfyShaped400s() throws Exception {
        String text = Json.write(ui);
        assertInvalid(postBytes("/workflow/to-prompt", text.substring(0, text.length() / 2).getBytes(), "application/json"),
                "not valid JSON", "line 1, column");
        byte[] plain = PngWriter.encode(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), Map.of(), 1);
        assertInvalid(postBytes("/api/workflow/read", plain, "image/png"), "no embedded workflow");
        assertInvalid(postBytes("/api/workflow/read", new byte[0], "image/png"), "empty");

        ObjectNode missing = ui.deepCopy();
        JsonNode firstLink = missing.get("links").get(0);          // [id, origin, slot, target, slot, type]
        ((ArrayNode) firstLink).set(1, Json.tree(99));
        String target = firstLink.get(3).asText();
        assertInvalid(h.post("/api/workflow/to-prompt", missing), "node 99", "which does not exist", "Node ID '#" + target + "'");
        Harness.Resp read = h.post("/api/workflow/read", missing);
        assertEquals(200, read.status(), "a broken workflow still opens in the editor: " + read.body());
        assertEquals(missing, read.json().get("workflow"));
        assertTrue(read.json().get("prompt").isNull());
        assertInvalid(h.post("/workflow/to-workflow", Map.of("1", Map.of("inputs", Map.of()))), "class_type");
    }

    @Test
    void shippedEditorFilesConvertOnTheServer() throws Exception {
        NodeRegistry registry = TestNodes.registry();
        int checked = 0;
        try (var files = Files.list(WORKFLOWS.resolve("ui"))) {
            for (Path f : files.toList()) {
                JsonNode expected = Json.MAPPER.readTree(WORKFLOWS.resolve(f.getFileName()).toFile());
                boolean scripted = false;                    // script nodes live beside the workflow, not in this server
                for (JsonNode n : expected) scripted |= !registry.contains(n.get("class_type").asText());
                if (scripted) continue;
                Harness.Resp r = postBytes("/api/workflow/to-prompt", Files.readAllBytes(f), "application/json");
                assertEquals(200, r.status(), f + ": " + r.body());
                assertEquals(untitled(expected), untitled(r.json().get("prompt")));
                checked++;
            }
        }
        assertTrue(checked >= 5, "checked " + checked);
    }
}
