package org.easel.server;

import static org.easel.server.Harness.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.easel.server.Harness.Graph;
import org.easel.server.Harness.Run;
import org.easel.server.Harness.Ws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComfyUI's execution scenarios against a real server. */
class ExecutionApiTest {
    @TempDir
    static Path dir;
    static Harness h;
    static Ws ws;
    static final String CLIENT = Harness.newId();

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(dir);
        ws = h.ws(CLIENT);
        assertEquals("status", ws.next(5000).path("type").asText());
    }

    @AfterAll
    static void stop() {
        ws.close();
        h.close();
    }

    static Graph mixGraph(String prefix, double mask) {
        return new Graph()
                .node("1", "StubImage", "content", "BLACK", "height", 8, "width", 8)
                .node("2", "StubImage", "content", "WHITE", "height", 8, "width", 8)
                .node("3", "StubMask", "value", mask)
                .node("4", "TestMix", "image1", link("1", 0), "image2", link("2", 0), "mask", link("3", 0))
                .node("5", "TestSave", "images", link("4", 0), "filename_prefix", prefix);
    }

    BufferedImage image(JsonNode item) throws Exception {
        Harness.Resp r = h.get("/view?filename=" + item.get("filename").asText() + "&subfolder=" + item.get("subfolder").asText()
                + "&type=" + item.get("type").asText());
        assertEquals(200, r.status());
        assertEquals("image/png", r.header("Content-Type"));
        return ImageIO.read(new ByteArrayInputStream(r.bytes()));
    }

    @Test
    void fullCacheOnIdenticalResubmit() throws Exception {
        Graph g = mixGraph("full_cache", 0.5).set("1", "height", 9).set("2", "height", 9).set("3", "value", 0.123);
        Run first = h.run(ws, CLIENT, g.json);
        for (String id : List.of("1", "2", "3", "4", "5")) assertTrue(first.didRun(id), id);
        Run second = h.run(ws, CLIENT, g.json);
        assertTrue(second.runs.isEmpty(), "nothing runs again: " + second.runs);
        assertEquals(Set.of("1", "2", "3", "4", "5"), second.cached);
        // the cached output node's UI is replayed into history
        assertEquals(1, second.outputs().path("5").path("images").size());
        assertEquals(List.of("execution_start", "execution_cached", "executed", "execution_success", "executing"), second.types());
        BufferedImage img = image(second.outputs().path("5").path("images").get(0));
        assertEquals(31, img.getRGB(0, 0) & 0xFF);   // floor(0.123 * 255)
    }

    @Test
    void partialReExecutionAfterWidgetChange() throws Exception {
        Graph g = mixGraph("partial_cache", 0.5);
        h.run(ws, CLIENT, g.json);
        Run r = h.run(ws, CLIENT, g.copy().set("3", "value", 0.4).json);
        assertTrue(r.wasCached("1") && r.wasCached("2"), "stubs cached: " + r.cached);
        assertFalse(r.didRun("1") || r.didRun("2"));
        assertTrue(r.didRun("3") && r.didRun("4") && r.didRun("5"), "mask, mix, save run: " + r.runs);
    }

    @Test
    void runtimeErrorEventAndHistoryStatus() throws Exception {
        Graph g = mixGraph("error", 0.5).set("2", "content", "NOISE").set("2", "width", 4);
        Run r = h.run(ws, CLIENT, g.json);
        assertNotNull(r.error, "execution_error sent");
        assertEquals(r.promptId, r.error.get("prompt_id").asText());
        assertEquals("4", r.error.get("node_id").asText());
        assertEquals("TestMix", r.error.get("node_type").asText());
        assertTrue(r.error.get("exception_message").asText().contains("must match"));
        for (String f : List.of("executed", "exception_type", "traceback", "current_inputs", "current_outputs", "timestamp")) {
            assertTrue(r.error.has(f), f);
        }
        assertFalse(r.types().contains("execution_success"));
        JsonNode status = r.history.get("status");
        assertEquals("error", status.get("status_str").asText());
        assertFalse(status.get("completed").asBoolean());
        JsonNode msgs = status.get("messages");
        assertEquals("execution_error", msgs.get(msgs.size() - 1).get(0).asText());
        // the server keeps serving
        Run ok = h.run(ws, CLIENT, mixGraph("after_error", 0.25).json);
        assertEquals("success", ok.history.path("status").path("status_str").asText());
    }

    static JsonNode expect400(Harness.Resp r) {
        assertEquals(400, r.status(), r.body());
        JsonNode j = r.json();
        assertTrue(j.has("error") && j.has("node_errors"), r.body());
        return j;
    }

    @Test
    void topLevelValidationErrors() throws Exception {
        JsonNode j = expect400(h.post("/prompt", Map.of("client_id", CLIENT)));
        assertEquals("no_prompt", j.at("/error/type").asText());
        assertEquals("No prompt provided", j.at("/error/message").asText());

        j = expect400(h.queueRaw(mixGraph("x", 0.5).node("9", "NoSuchNode").json, CLIENT));
        assertEquals("missing_node_type", j.at("/error/type").asText());
        assertEquals(0, j.get("node_errors").size());

        j = expect400(h.queueRaw(new Graph().node("1", "StubImage", "content", "BLACK", "height", 8, "width", 8).json, CLIENT));
        assertEquals("prompt_no_outputs", j.at("/error/type").asText());

        j = expect400(h.queueRaw(mixGraph("x", 0.5).json, CLIENT, "partial_execution_targets", List.of()));
        assertEquals("prompt_no_outputs", j.at("/error/type").asText());

        j = expect400(h.queueRaw(mixGraph("x", 0.5).json, CLIENT, "prompt_id", "not-a-uuid"));
        assertEquals("invalid_prompt_id", j.at("/error/type").asText());
        j = expect400(h.queueRaw(mixGraph("x", 0.5).json, CLIENT, "prompt_id", Harness.newId().toUpperCase()));
        assertEquals("invalid_prompt_id", j.at("/error/type").asText());
        String pid = Harness.newId();
        Harness.Resp ok = h.queueRaw(mixGraph("x", 0.5).json, CLIENT, "prompt_id", pid);
        assertEquals(200, ok.status(), ok.body());
        assertEquals(pid, ok.json().get("prompt_id").asText());
        h.awaitHistory(pid, 10_000);
    }

    /** One node error of each type: 400 with prompt_outputs_failed_validation and the per-node entry. */
    @Test
    void nodeValidationErrorsOfEachType() throws Exception {
        Object[][] cases = {
                {"value_not_in_list", "1", "content", "PURPLE"},
                {"value_smaller_than_min", "1", "width", 0},
                {"value_bigger_than_max", "1", "width", 100000},
                {"invalid_input_type", "1", "width", "abc"},
                {"return_type_mismatch", "4", "image1", link("3", 0)},
        };
        for (Object[] c : cases) {
            Graph g = mixGraph("v", 0.5).set((String) c[1], (String) c[2], c[3]);
            JsonNode j = expect400(h.queueRaw(g.json, CLIENT));
            assertEquals("prompt_outputs_failed_validation", j.at("/error/type").asText(), c[0] + ": " + j);
            JsonNode ne = j.get("node_errors").get((String) c[1]);
            assertNotNull(ne, c[0] + ": " + j);
            assertEquals(c[0], ne.at("/errors/0/type").asText(), j.toString());
            assertEquals(c[2], ne.at("/errors/0/extra_info/input_name").asText(), j.toString());
            assertEquals(List.of("5"), List.of(ne.get("dependent_outputs").get(0).asText()));
            assertTrue(ne.has("class_type"));
        }
        // required input missing
        Graph g = mixGraph("v", 0.5);
        ((ObjectNode) g.json.get("4").get("inputs")).remove("mask");
        JsonNode j = expect400(h.queueRaw(g.json, CLIENT));
        assertEquals("required_input_missing", j.at("/node_errors/4/errors/0/type").asText());
        // custom validation (VALIDATE_INPUTS): 7s are not allowed, other values pass
        Graph cv = new Graph().node("1", "StubImage", "content", "BLACK", "height", 8, "width", 8)
                .node("2", "TestValidated", "image", link("1", 0), "value", 7.0)
                .node("3", "TestSave", "images", link("2", 0), "filename_prefix", "cv");
        j = expect400(h.queueRaw(cv.json, CLIENT));
        assertEquals("custom_validation_failed", j.at("/node_errors/2/errors/0/type").asText());
        assertTrue(j.at("/node_errors/2/errors/0/details").asText().contains("7s are not allowed"));
        assertEquals(200, h.queueRaw(cv.copy().set("2", "value", 5.0).json, CLIENT).status());
    }

    @Test
    void staticCycleRejected() throws Exception {
        Graph g = new Graph()
                .node("1", "StubImage", "content", "BLACK", "height", 8, "width", 8)
                .node("2", "StubImage", "content", "WHITE", "height", 8, "width", 8)
                .node("3", "StubMask", "value", 0.5)
                .node("4", "TestMix", "image1", link("1", 0), "image2", link("5", 0), "mask", link("3", 0))
                .node("5", "TestMix", "image1", link("4", 0), "image2", link("2", 0), "mask", link("3", 0))
                .node("6", "TestSave", "images", link("5", 0), "filename_prefix", "cycle");
        JsonNode j = expect400(h.queueRaw(g.json, CLIENT));
        assertEquals("dependency_cycle", j.at("/node_errors/4/errors/0/type").asText(), j.toString());
    }

    @Test
    void missingNodeInOneOfTwoOutputs() throws Exception {
        Graph g = new Graph()
                .node("removeme", "StubImage", "content", "BLACK", "height", 8, "width", 8)
                .node("1", "StubImage", "content", "WHITE", "height", 8, "width", 8)
                .node("s1", "TestSave", "images", link("removeme", 0), "filename_prefix", "missing_a")
                .node("s2", "TestSave", "images", link("1", 0), "filename_prefix", "missing_b");
        Graph broken = g.copy().remove("removeme");
        Harness.Resp r = h.queueRaw(broken.json, CLIENT);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("node_errors").has("s1"), r.body());
        Run run = h.run(ws, CLIENT, broken.json);
        assertTrue(run.didRun("s2") || run.wasCached("s2"));
        assertFalse(run.didRun("s1"));
        assertFalse(run.outputs().has("s1"));
        Run fixed = h.run(ws, CLIENT, g.json);
        assertEquals("success", fixed.history.at("/status/status_str").asText());
        assertTrue(fixed.outputs().has("s1") && fixed.outputs().has("s2"));
    }

    @Test
    void partialExecutionTargets() throws Exception {
        Graph g = new Graph()
                .node("b", "StubImage", "content", "BLACK", "height", 6, "width", 6)
                .node("w", "StubImage", "content", "WHITE", "height", 6, "width", 6)
                .node("save1", "TestSave", "images", link("b", 0), "filename_prefix", "pet1")
                .node("save2", "TestSave", "images", link("w", 0), "filename_prefix", "pet2");
        Run r = h.run(ws, CLIENT, g.json, "partial_execution_targets", List.of("save1"));
        assertTrue(r.wasExecuted("b") && r.wasExecuted("save1"));
        assertFalse(r.wasExecuted("w") || r.wasExecuted("save2"), r.runs + " " + r.cached);
        assertEquals(1, r.outputs().path("save1").path("images").size());
        assertFalse(r.outputs().has("save2"));
        assertEquals(List.of("save1"), List.of(r.history.get("prompt").get(4).get(0).asText()));
    }

    @Test
    void outputReuseAndViewedPixels() throws Exception {
        Graph g = new Graph()
                .node("b", "StubImage", "content", "BLACK", "height", 5, "width", 7)
                .node("s1", "TestSave", "images", link("b", 0), "filename_prefix", "reuse1")
                .node("s2", "TestSave", "images", link("b", 0), "filename_prefix", "reuse2");
        Run r = h.run(ws, CLIENT, g.json);
        for (String s : List.of("s1", "s2")) {
            assertEquals(1, r.outputs().path(s).path("images").size());
            BufferedImage img = image(r.outputs().path(s).path("images").get(0));
            assertEquals(7, img.getWidth());
            assertEquals(0, img.getRGB(3, 3) & 0xFFFFFF);
        }
        assertEquals("s1", r.history.at("/meta/s1/node_id").asText());
    }

    @Test
    void cachedOutputsReachHistoryWithoutClientId() throws Exception {
        Graph g = new Graph()
                .node("w", "StubImage", "content", "WHITE", "height", 4, "width", 4)
                .node("s", "TestSave", "images", link("w", 0), "filename_prefix", "noclient");
        h.run(ws, CLIENT, g.json);
        String pid = h.queue(g.json, null);
        JsonNode e = h.awaitHistory(pid, 10_000);
        assertEquals("success", e.at("/status/status_str").asText());
        assertTrue(e.at("/status/completed").asBoolean());
        assertEquals(1, e.at("/outputs/s/images").size());
        assertFalse(e.get("prompt").get(3).has("client_id"));
        assertTrue(e.get("prompt").get(3).has("create_time"));
    }

    @Test
    void objectInfo() throws Exception {
        assertEquals("{}", h.get("/object_info/NoSuchNode").body());
        JsonNode one = h.get("/api/object_info/StubImage").json();
        assertEquals(List.of("WHITE", "BLACK", "NOISE"), List.of(one.at("/StubImage/input/required/content/0/0").asText(),
                one.at("/StubImage/input/required/content/0/1").asText(), one.at("/StubImage/input/required/content/0/2").asText()));
        JsonNode all = h.get("/object_info").json();
        assertTrue(all.has("TestSave") && all.has("PrimitiveInt"));
        assertTrue(all.get("TestSave").get("output_node").asBoolean());
    }

    @Test
    void extraPngInfoAndSensitiveKeysNotStored() throws Exception {
        Graph g = new Graph().node("1", "PrimitiveInt", "value", 5).node("2", "PreviewAny", "source", link("1", 0));
        Run r = h.run(ws, CLIENT, g.json, "extra_data", Map.of("extra_pnginfo", Map.of("workflow", Map.of("id", "wf")),
                "auth_token_comfy_org", "secret"));
        JsonNode extra = r.history.get("prompt").get(3);
        assertEquals("wf", extra.at("/extra_pnginfo/workflow/id").asText());
        assertEquals(CLIENT, extra.get("client_id").asText());
        assertNull(extra.get("auth_token_comfy_org"));
        assertFalse(h.get("/queue").body().contains("secret"));
        assertEquals("5", r.outputs().at("/2/text/0").asText());
    }

    @Test
    void cacheNoneRunsEverythingAgain(@TempDir Path other) throws Exception {
        try (Harness none = new Harness(other, new ServerConfig().cacheBytes(0))) {
            Ws w = none.ws(CLIENT);
            Graph g = mixGraph("none", 0.5);
            none.run(w, CLIENT, g.json);
            Run second = none.run(w, CLIENT, g.json);
            assertEquals(Set.of("1", "2", "3", "4", "5"), second.runs);
            assertTrue(second.cached.isEmpty());
            w.close();
        }
    }
}
