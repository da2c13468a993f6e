package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes ComfyUI's frontend and client libraries call besides the core API: user data (with path attacks),
 * settings, users, workflow templates, models by folder, logs, and /system_stats' fields.
 */
class ClientRoutesTest {
    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private Harness.Resp postRaw(String path, String body, String... headers) throws Exception {
        return h.send(h.req(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Harness.Resp delete(String path) throws Exception {
        return h.send(h.req(path).DELETE().build());
    }

    @Test
    void userDataRoundTripAsTheEditorUsesIt() throws Exception {
        String wf = "{\"nodes\":[],\"links\":[],\"version\":0.4}";
        Harness.Resp saved = postRaw("/userdata/workflows%2Fmy%20flow.json?overwrite=true&full_info=true", wf,
                "Content-Type", "application/json");
        assertEquals(200, saved.status(), saved.body());
        assertEquals("workflows/my flow.json", saved.json().get("path").asText());
        assertEquals(wf.length(), saved.json().get("size").asLong());
        assertTrue(saved.json().get("modified").asLong() > 1_600_000_000_000L, "milliseconds");
        Path file = dir.resolve("user/default/workflows/my flow.json");
        assertEquals(wf, Files.readString(file), "a plain file under <user>/default/workflows");

        Harness.Resp got = h.get("/api/userdata/workflows%2Fmy%20flow.json");
        assertEquals(200, got.status());
        assertEquals(wf, got.body());
        assertEquals("attachment", got.header("Content-Disposition"));

        // without full_info: the relative path as a JSON string; overwrite=false on an existing file: 409
        assertEquals("\"workflows/b.json\"", postRaw("/userdata/workflows%2Fb.json", "{}").body());
        assertEquals(409, postRaw("/userdata/workflows%2Fb.json?overwrite=false", "{\"x\":1}").status());
        assertEquals("{}", Files.readString(dir.resolve("user/default/workflows/b.json")));

        JsonNode full = h.get("/userdata?dir=workflows&recurse=true&split=false&full_info=true").json();
        List<String> paths = new ArrayList<>();
        full.forEach(f -> paths.add(f.get("path").asText()));
        assertEquals(List.of("b.json", "my flow.json"), paths);
        assertEquals("[\"b.json\",\"my flow.json\"]", h.get("/userdata?dir=workflows").body());
        assertEquals("[[\"b.json\",\"b.json\"],[\"my flow.json\",\"my flow.json\"]]", h.get("/userdata?dir=workflows&split=true").body());
        Files.createDirectories(dir.resolve("user/default/workflows/sub"));
        Files.writeString(dir.resolve("user/default/workflows/sub/c.json"), "{}");
        assertEquals("[[\"b.json\",\"b.json\"],[\"my flow.json\",\"my flow.json\"],[\"sub/c.json\",\"sub\",\"c.json\"]]",
                h.get("/userdata?dir=workflows&recurse=true&split=true").body());
        assertEquals(2, h.get("/userdata?dir=workflows").json().size(), "not recursive: files only");
        assertEquals(400, h.get("/userdata").status(), "dir is required");
        assertEquals(404, h.get("/userdata?dir=nothing").status());

        JsonNode v2 = h.get("/v2/userdata?path=workflows").json();
        assertEquals("directory", v2.get(0).get("type").asText(), "folders first");
        assertEquals("workflows/sub", v2.get(0).get("path").asText());
        assertTrue(h.get("/v2/userdata").json().size() >= 1);

        Harness.Resp moved = postRaw("/userdata/workflows%2Fb.json/move/workflows%2Frenamed.json?full_info=true", "");
        assertEquals(200, moved.status(), moved.body());
        assertEquals("workflows/renamed.json", moved.json().get("path").asText());
        assertFalse(Files.exists(dir.resolve("user/default/workflows/b.json")));
        assertEquals(409, postRaw("/userdata/workflows%2Frenamed.json/move/workflows%2Fmy%20flow.json?overwrite=false", "").status());
        assertEquals(404, postRaw("/userdata/workflows%2Fgone.json/move/workflows%2Fx.json", "").status());

        assertEquals(204, delete("/userdata/workflows%2Frenamed.json").status());
        assertEquals(404, delete("/userdata/workflows%2Frenamed.json").status());
        assertEquals(404, h.get("/userdata/workflows%2Frenamed.json").status());
    }

    @Test
    void userDataRefusesPathsOutsideTheUserFolder() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createDirectories(dir.resolve("user/default"));
        Files.writeString(dir.resolve("user/other.json"), "{}");
        Files.createSymbolicLink(dir.resolve("user/default/link"), dir);
        Files.createSymbolicLink(dir.resolve("user/default/file-link.txt"), dir.resolve("secret.txt"));
        for (String bad : List.of("..%2Fsecret.txt", "..%2F..%2Fsecret.txt", "%2Fetc%2Fpasswd", "..%2Fother.json",
                "workflows%2F..%2F..%2Fother.json", "link%2Fsecret.txt", "file-link.txt", "a%5C..%5C..%5Csecret.txt",
                "C%3A%5Cwindows", "x%00.json")) {
            Harness.Resp r = h.get("/userdata/" + bad);
            assertTrue(r.status() == 403 || r.status() == 404 || r.status() == 400, bad + " → " + r.status());
            assertFalse(r.body().contains("secret"), bad);
            Harness.Resp w = postRaw("/userdata/" + bad, "pwned");
            assertTrue(w.status() == 403 || w.status() == 400 || w.status() == 404, "write " + bad + " → " + w.status());
            Harness.Resp m = postRaw("/userdata/x.json/move/" + bad, "");
            assertTrue(m.status() >= 400, "move " + bad);
        }
        assertEquals("secret", Files.readString(dir.resolve("secret.txt")));
        assertEquals("{}", Files.readString(dir.resolve("user/other.json")));
        assertFalse(Files.exists(dir.resolve("pwned")));
        for (String bad : List.of("..", "..%2F..", "%2Ftmp", "link")) {
            Harness.Resp r = h.get("/userdata?dir=" + bad);
            assertTrue(r.status() == 403 || r.status() == 400, "list " + bad + " → " + r.status() + " " + r.body());
            Harness.Resp v = h.get("/v2/userdata?path=" + bad);
            assertTrue(v.status() == 403 || v.status() == 400, "v2 " + bad + " → " + v.status());
        }
        assertEquals(403, delete("/userdata/..%2Fother.json").status());
        assertTrue(Files.exists(dir.resolve("user/other.json")));
        // the database beside the user folder is out of reach
        assertNotEquals(200, h.get("/userdata/..%2Feasel.db").status());
    }

    @Test
    void settingsAndUsers() throws Exception {
        assertEquals("{}", h.get("/settings").body());
        assertEquals(200, h.post("/settings", Map.of("Comfy.Locale", "en", "Comfy.LinkRenderMode", 2)).status());
        assertEquals(200, postRaw("/settings/Comfy.Sidebar.Size", "\"small\"").status());
        JsonNode s = h.get("/api/settings").json();
        assertEquals("en", s.get("Comfy.Locale").asText());
        assertEquals(2, s.get("Comfy.LinkRenderMode").asInt());
        assertEquals("small", s.get("Comfy.Sidebar.Size").asText());
        assertEquals("\"en\"", h.get("/settings/Comfy.Locale").body());
        assertEquals("null", h.get("/settings/Nothing.Here").body());
        assertEquals(s, Json.parse(Files.readString(dir.resolve("user/default/comfy.settings.json"))));
        assertEquals(400, h.post("/settings", "[1]").status());

        JsonNode u = h.get("/users").json();
        assertEquals("server", u.get("storage").asText());
        assertTrue(u.get("migrated").asBoolean());
        // creating a user (the frontend's user screen): an id back, the name recorded, duplicates and blanks refused
        Harness.Resp created = h.post("/users", Map.of("username", "ada lovelace!"));
        assertEquals(200, created.status());
        String id = created.json().asText();
        assertTrue(id.startsWith("ada-lovelace-_"), id);
        assertEquals("ada-lovelace-", Json.parse(Files.readString(dir.resolve("user/users.json"))).get(id).asText());
        Harness.Resp dup = h.post("/api/users", Map.of("username", "ada lovelace!"));
        assertEquals(400, dup.status());
        assertEquals("Duplicate username.", dup.json().get("error").asText());
        assertEquals(400, h.post("/users", Map.of("username", "  ")).status());
        assertEquals(400, h.post("/users", "{}").status());
    }

    @Test
    void workflowTemplatesModelsAndLogs() throws Exception {
        Files.createDirectories(dir.resolve("workflows"));
        Files.writeString(dir.resolve("workflows/text-to-image.json"), "{\"3\":{}}");
        Files.writeString(dir.resolve("workflows/upscale.json"), "{}");
        Files.writeString(dir.resolve("workflows/notes.txt"), "no");
        assertEquals("{\"easel\":[\"text-to-image\",\"upscale\"]}", h.get("/workflow_templates").body());
        Harness.Resp t = h.get("/api/workflow_templates/easel/text-to-image.json");
        assertEquals(200, t.status());
        assertEquals("{\"3\":{}}", t.body());
        assertEquals(404, h.get("/workflow_templates/easel/notes.txt").status());
        assertEquals(404, h.get("/workflow_templates/easel/..%2Fuser%2Feasel.db").status());
        assertEquals(404, h.get("/workflow_templates/other/upscale.json").status());

        JsonNode folders = h.get("/experiment/models").json();
        JsonNode first = folders.get(0);
        assertTrue(first.has("name") && first.get("folders").isArray(), first.toString());
        Files.createDirectories(dir.resolve("models/upscale_models"));
        Files.write(dir.resolve("models/upscale_models/x2.onnx"), new byte[16]);
        JsonNode ups = h.get("/api/experiment/models/upscale_models").json();
        assertEquals("x2.onnx", ups.get(0).get("name").asText());
        assertEquals(0, ups.get(0).get("pathIndex").asInt());
        assertEquals(404, h.get("/experiment/models/nope").status());

        h.queue(QueueHistoryTest.quick(1).json, null, "extra_data", Map.of("preview_method", "none"));
        h.post("/interrupt", Map.of("prompt_id", Harness.newId()));      // logs "Interrupt ignored"
        JsonNode raw = h.get("/internal/logs/raw").json();
        assertTrue(raw.get("entries").isArray());
        assertTrue(raw.get("size").has("cols"));
        assertTrue(raw.get("entries").toString().contains("Interrupt ignored"), raw.toString());
        assertTrue(h.get("/internal/logs").json().asText().contains("Interrupt ignored"));
        String cid = Harness.newId();
        Harness.Ws ws = h.ws(cid);
        ws.next("status", 5000);
        Harness.Resp sub = h.send(h.req("/internal/logs/subscribe", "Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"clientId\":\"" + cid + "\",\"enabled\":true}")).build());
        assertEquals(200, sub.status());
        h.post("/interrupt", Map.of("prompt_id", Harness.newId()));
        JsonNode logs = ws.next("logs", 5000);
        assertTrue(logs.at("/data/entries/0/m").asText().contains("Interrupt ignored"));
        ws.close();
    }

    @Test
    void systemStatsReportsTheApiLevelAndTheRealCommandLine() throws Exception {
        JsonNode sys = h.get("/system_stats").json().get("system");
        assertEquals(InfoRoutes.COMFYUI_API_VERSION, sys.get("comfyui_version").asText());
        assertTrue(sys.has("easel_version"));
        assertNotEquals(sys.get("easel_version").asText(), sys.get("comfyui_version").asText());
        assertTrue(sys.get("argv").isArray() && sys.get("argv").size() > 0);
        try (Harness h2 = new Harness(dir.resolve("two"), new ServerConfig().argv(List.of("easel", "serve", "--port", "0")))) {
            assertEquals("[\"easel\",\"serve\",\"--port\",\"0\"]", h2.get("/system_stats").json().at("/system/argv").toString());
        }
    }
}
