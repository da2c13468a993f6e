package org.easel.server;

import static org.easel.server.Harness.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.easel.engine.Json;
import org.easel.server.Harness.Graph;
import org.easel.server.TestNodes.TinyImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ComfyUI's own clients do: its websockets_api_example flow with urllib's request (JSON labelled
 * application/x-www-form-urlencoded), RGB masks, previews only when asked, and a queue row that cannot be
 * read at start-up.
 */
class ComfyCompatTest {
    @TempDir
    Path dir;

    /** PrimitiveInt → 25 × IntMath add 1 → PreviewAny (node 27): well over 1 KB of JSON. */
    static Graph chain(int v) {
        Graph g = new Graph().node("1", "PrimitiveInt", "value", v);
        for (int i = 2; i <= 26; i++) g.node(Integer.toString(i), "IntMath", "a", link(Integer.toString(i - 1), 0), "b", 1, "op", "add");
        return g.node("27", "PreviewAny", "source", link("26", 0));
    }

    /** The request Python's {@code urllib.request.Request(url, data=bytes)} sends: no explicit content type. */
    static Harness.Resp urllibPost(Harness h, String path, String body) throws Exception {
        return h.send(h.req(path, "Content-Type", "application/x-www-form-urlencoded", "User-Agent", "Python-urllib/3.12",
                "Accept-Encoding", "identity").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The example's loop: messages until {@code executing} with node null for our prompt, then its history. */
    static JsonNode awaitLikeTheExample(Harness h, Harness.Ws ws, String promptId) throws Exception {
        while (true) {
            JsonNode m = ws.next(20_000);
            if (m.path("type").asText().equals("executing") && m.at("/data/node").isNull()
                    && m.at("/data/prompt_id").asText().equals(promptId)) {
                break;
            }
        }
        return h.get("/history/" + promptId).json().get(promptId);
    }

    @Test
    void websocketsApiExampleWithAndWithoutClientPromptId() throws Exception {
        try (Harness h = Harness.start(dir)) {
            String clientId = Harness.newId();
            Harness.Ws ws = h.ws(clientId);
            // current example: the client makes the prompt id
            String promptId = Harness.newId();
            String body = "{\"prompt\": " + Json.write(chain(5).json) + ", \"client_id\": \"" + clientId
                    + "\", \"prompt_id\": \"" + promptId + "\"}";
            assertTrue(body.length() > 1500, "larger than a form buffer: " + body.length());
            Harness.Resp r = urllibPost(h, "/prompt", body);
            assertEquals(200, r.status(), r.body());
            assertEquals(promptId, r.json().get("prompt_id").asText());
            JsonNode hist = awaitLikeTheExample(h, ws, promptId);
            assertEquals("success", hist.at("/status/status_str").asText());
            assertEquals("[\"30\"]", hist.at("/outputs/27/text").toString(), "5 + 25 × 1");

            // older example: the server assigns the id and the client reads it from the answer
            Harness.Resp r2 = urllibPost(h, "/prompt", "{\"prompt\": " + Json.write(chain(7).json) + ", \"client_id\": \"" + clientId + "\"}");
            assertEquals(200, r2.status(), r2.body());
            String assigned = r2.json().get("prompt_id").asText();
            assertTrue(PromptRequest.UUID_RE.matcher(assigned).matches());
            assertEquals("[\"32\"]", awaitLikeTheExample(h, ws, assigned).at("/outputs/27/text").toString());

            // every JSON route reads its body whatever the content type
            assertEquals(200, urllibPost(h, "/queue", "{\"clear\": true}").status());
            assertEquals(200, urllibPost(h, "/history", "{\"delete\": [\"" + assigned + "\"]}").status());
            assertEquals("{}", h.get("/history/" + assigned).body());
            assertEquals(200, urllibPost(h, "/interrupt", "{}").status());
            assertEquals(200, urllibPost(h, "/free", "{\"free_memory\": true}").status());
            assertEquals(400, urllibPost(h, "/prompt", "prompt=x").status(), "form data is not JSON");
            ws.close();
        }
    }

    @Test
    void largeWorkflowsUpToTheBodyLimit() throws Exception {
        try (Harness h = new Harness(dir, new ServerConfig().maxUploadBytes(4L << 20))) {
            String pad = "x".repeat(3 << 20);      // several MB of embedded editor data
            String body = "{\"prompt\": " + Json.write(chain(1).json) + ", \"extra_data\": {\"extra_pnginfo\": {\"workflow\": {\"pad\": \""
                    + pad + "\"}}}}";
            Harness.Resp ok = urllibPost(h, "/prompt", body);
            assertEquals(200, ok.status(), ok.body().length() > 300 ? ok.body().substring(0, 300) : ok.body());
            h.awaitHistory(ok.json().get("prompt_id").asText(), 20_000);
            Harness.Resp tooBig = urllibPost(h, "/prompt", body.replace(pad, pad + pad));
            assertEquals(413, tooBig.status());
            assertEquals(200, h.get("/queue").status(), "still serving");
        }
    }

    @Test
    void rgbMaskBecomesAnOpaqueAlpha() throws Exception {
        try (Harness h = Harness.start(dir)) {
            Files.write(dir.resolve("input/orig.png"), TestNodes.png(new TinyImage(3, 3, 1.0)));
            BufferedImage m = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
            m.setRGB(1, 1, 0x123456);
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            ImageIO.write(m, "png", bos);
            Harness.Resp r = SecurityTest.upload(h, "/upload/mask",
                    Map.of("original_ref", "{\"filename\":\"orig.png\",\"subfolder\":\"\",\"type\":\"input\"}"), "rgb-mask.png", bos.toByteArray());
            assertEquals(200, r.status(), r.body());
            BufferedImage out = ImageIO.read(dir.resolve("input/rgb-mask.png").toFile());
            assertTrue(out.getColorModel().hasAlpha());
            assertEquals(0xFFFFFFFF, out.getRGB(1, 1), "the original's pixels, alpha 255 from the RGB mask");
            assertEquals(0xFFFFFFFF, out.getRGB(0, 0));
        }
    }

    private int runs;

    /** A short sleep with previews every 200 ms; a new duration each time, so it is never cached. */
    private void runSleepy(Harness h, Harness.Ws ws, String id, Object... extra) throws Exception {
        ws.binary.clear();
        h.run(ws, id, WebSocketTest.sleepy(0.25 + 0.01 * runs++, 5).json, extra);
    }

    @Test
    void previewsByServerOptionAndPerPrompt() throws Exception {
        try (Harness h = Harness.start(dir)) {               // default --preview-method none
            String id = Harness.newId();
            Harness.Ws ws = h.ws(id);
            runSleepy(h, ws, id);
            assertNull(ws.binary.poll(300, TimeUnit.MILLISECONDS), "no previews by default");
            runSleepy(h, ws, id, "extra_data", Map.of("preview_method", "default"));
            assertNull(ws.binary.poll(300, TimeUnit.MILLISECONDS), "'default' is the server's none");
            runSleepy(h, ws, id, "extra_data", Map.of("preview_method", "latent2rgb"));
            assertNotNull(ws.binary.poll(2, TimeUnit.SECONDS), "asked for by the prompt");
            ws.close();
        }
        try (Harness h = new Harness(dir.resolve("auto"), new ServerConfig().previewMethod("auto"))) {
            String id = Harness.newId();
            Harness.Ws ws = h.ws(id);
            runSleepy(h, ws, id);
            assertNotNull(ws.binary.poll(2, TimeUnit.SECONDS), "--preview-method auto");
            runSleepy(h, ws, id, "extra_data", Map.of("preview_method", "none"));
            assertNull(ws.binary.poll(300, TimeUnit.MILLISECONDS), "the prompt turns them off");
            ws.close();
        }
    }

    @Test
    void unreadableQueueRowIsRecordedAsAnError() throws Exception {
        String bad = Harness.newId(), good = Harness.newId();
        try (Harness h = Harness.start(dir)) {
            assertEquals(200, h.get("/queue").status());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("user/easel.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO queue(prompt_id, seq, number, prompt, extra_data, outputs, state, created_at) VALUES ('"
                    + bad + "', 1, '0', '{not json', '{}', '[]', 'pending', 1)");
            s.executeUpdate("INSERT INTO queue(prompt_id, seq, number, prompt, extra_data, outputs, state, created_at) VALUES ('"
                    + good + "', 2, '1', '" + Json.write(QueueHistoryTest.quick(3).json) + "', '{}', '[\"2\"]', 'pending', 2)");
        }
        try (Harness h = Harness.start(dir)) {
            JsonNode e = h.awaitHistory(bad, 10_000);
            assertEquals("error", e.at("/status/status_str").asText());
            JsonNode msg = e.at("/status/messages/0");
            assertEquals("execution_error", msg.get(0).asText());
            assertTrue(msg.get(1).get("exception_message").asText().contains(bad), msg.toString());
            assertEquals("success", h.awaitHistory(good, 10_000).at("/status/status_str").asText(), "the readable one still runs");
        }
    }
}
