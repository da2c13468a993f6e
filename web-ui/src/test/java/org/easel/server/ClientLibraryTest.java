package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.easel.engine.Json;
import org.easel.server.TestNodes.TinyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party ComfyUI client library, unchanged, against the real server: {@code @saintno/comfyui-sdk}
 * (installed by the Maven build from src/test/js-client's lock file) run by Node through upload, a run over
 * the WebSocket, history, interrupt and queue management.
 */
class ClientLibraryTest {
    static final Path CLIENT = Path.of("src", "test", "js-client");

    @Test
    void comfyuiSdkDrivesTheServer(@TempDir Path dir) throws Exception {
        assertTrue(Files.isDirectory(CLIENT.resolve("node_modules/@saintno/comfyui-sdk")),
                "the client library is installed by the build (npm ci in " + CLIENT + ")");
        Path image = dir.resolve("upload.png");
        Files.write(image, TestNodes.png(new TinyImage(8, 8, 0.25)));
        try (Harness h = Harness.start(dir.resolve("home"))) {
            Process p = new ProcessBuilder("node", "client.mjs", h.base, image.toAbsolutePath().toString())
                    .directory(CLIENT.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            List<String> lines = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (var r = p.inputReader(StandardCharsets.UTF_8)) {
                    r.lines().forEach(lines::add);
                } catch (Exception ignored) {
                    // process ended
                }
            });
            reader.start();
            boolean ended = p.waitFor(180, TimeUnit.SECONDS);
            if (!ended) p.destroyForcibly();
            reader.join(5000);
            String out = String.join("\n", lines);
            assertTrue(ended, "the client script finished: " + out);
            assertEquals(0, p.exitValue(), out);
            JsonNode r = Json.parse(lines.get(lines.size() - 1));

            assertEquals(InfoRoutes.COMFYUI_API_VERSION, r.get("stats").asText());
            assertEquals("js-client.png", r.at("/upload/filename").asText());
            assertTrue(Files.isRegularFile(h.dir.resolve("input/js-client.png")));

            String saved = r.at("/run/images/0/filename").asText();
            assertTrue(saved.startsWith("js-client_"), r.toString());
            assertTrue(Files.isRegularFile(h.dir.resolve("output").resolve(saved)));
            assertEquals("success", r.at("/history/status").asText());
            assertEquals("[\"2\"]", r.at("/history/outputs").toString());

            assertEquals("error", r.at("/interrupt/status").asText());
            assertTrue(r.at("/interrupt/messages").toString().contains("execution_interrupted"), r.toString());

            JsonNode q = r.get("queue");
            assertEquals(List.of(q.get("expectedRunning").asText()), strings(q.get("running")));
            assertEquals(List.of(q.at("/ids/a").asText(), q.at("/ids/b").asText()), strings(q.get("pendingBefore")));
            assertEquals(List.of(q.at("/ids/b").asText()), strings(q.get("pendingAfterDelete")));
            assertTrue(q.get("pendingAfterClear").isEmpty());
            // what the library did is what the server holds
            assertEquals(0, h.get("/queue").json().get("queue_pending").size());
            JsonNode hist = h.get("/history").json();
            assertFalse(hist.has(q.at("/ids/a").asText()), "deleted from the queue, never run");
            assertTrue(hist.has(r.at("/run/promptId").asText()));
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> l = new ArrayList<>();
        a.forEach(x -> l.add(x.asText()));
        return l;
    }
}
