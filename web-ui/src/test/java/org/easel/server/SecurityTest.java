package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.easel.server.TestNodes.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safety rules: paths, content types, origins, tokens, CORS, upload limits, bad input. */
class SecurityTest {
    @TempDir
    static Path dir;
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness(dir, new ServerConfig().maxUploadBytes(256 * 1024));
        Path out = dir.resolve("output");
        Files.createDirectories(out.resolve("sub"));
        Files.write(out.resolve("ok.png"), TestNodes.png(new TinyImage(3, 2, 1.0)));
        Files.write(out.resolve("sub/in-sub.png"), TestNodes.png(new TinyImage(2, 2, 0.0)));
        Files.writeString(out.resolve("page.png"), "<html><script>alert(1)</script></html>");
        Files.writeString(out.resolve("x.svg"), "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
        Path secret = dir.resolve("secret");
        Files.createDirectories(secret);
        Files.write(secret.resolve("secret.png"), TestNodes.png(new TinyImage(2, 2, 0.5)));
        Files.createSymbolicLink(out.resolve("link.png"), secret.resolve("secret.png"));
        Files.createSymbolicLink(out.resolve("linkdir"), secret);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    // ---- /view --------------------------------------------------------------------------------------

    @Test
    void viewServesImagesWithTheirTypeAndSafeHeaders() throws Exception {
        Harness.Resp r = h.get("/view?filename=ok.png&type=output");
        assertEquals(200, r.status());
        assertEquals("image/png", r.header("Content-Type"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertTrue(r.header("Content-Disposition").contains("filename=\"ok.png\""));
        assertEquals(200, h.get("/api/view?filename=in-sub.png&subfolder=sub").status());
        assertEquals(200, h.get("/view?filename=ok.png%20%5Boutput%5D&type=input").status(), "annotated name");
        assertEquals(404, h.get("/view?filename=nope.png").status());
        assertEquals(404, h.get("/view").status());
        Harness.Resp a = h.get("/view?filename=ok.png&channel=a");
        assertEquals("image/png", a.header("Content-Type"));
        Harness.Resp p = h.get("/view?filename=ok.png&preview=webp;50");
        assertEquals("image/jpeg", p.header("Content-Type"));
    }

    @Test
    void viewNeverServesNonImages() throws Exception {
        for (String f : List.of("page.png", "x.svg")) {
            Harness.Resp r = h.get("/view?filename=" + f);
            assertEquals(415, r.status(), f);
            assertFalse(r.body().contains("<script>"));
            assertTrue(r.header("Content-Type").startsWith("application/json"));
        }
    }

    @Test
    void pathTraversalVariantsAreRefused() throws Exception {
        String[][] cases = {
                {"filename=../secret/secret.png", "400"},
                {"filename=..%2Fsecret%2Fsecret.png", "400"},
                {"filename=%252e%252e%252fsecret%252fsecret.png", "400"},
                {"filename=/etc/passwd", "400"},
                {"filename=" + urlenc(dir.resolve("secret/secret.png").toString()), "400"},
                {"filename=..%5Csecret%5Csecret.png", "400"},
                {"filename=sub%5Cin-sub.png", "400"},
                {"filename=C:%5Cwindows%5Cwin.ini", "400"},
                {"filename=secret.png&subfolder=..%2Fsecret", "403"},
                {"filename=secret.png&subfolder=../secret", "403"},
                {"filename=secret.png&subfolder=sub/../../secret", "403"},
                {"filename=secret.png&subfolder=" + urlenc(dir.resolve("secret").toString()), "403"},
                {"filename=secret.png&subfolder=%252e%252e", "403"},
                {"filename=secret.png&subfolder=..%5Csecret", "403"},
                {"filename=link.png", "403"},
                {"filename=secret.png&subfolder=linkdir", "403"},
                {"filename=ok.png&type=models", "400"},
                {"filename=ok.png&type=..", "400"},
        };
        for (String[] c : cases) {
            Harness.Resp r = h.get("/view?" + c[1 - 1]);
            assertEquals(Integer.parseInt(c[1]), r.status(), c[0] + " → " + r.body());
            assertFalse(r.header("Content-Type").startsWith("image/"), c[0]);
        }
    }

    static String urlenc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- origin, CORS, token ------------------------------------------------------------------------------

    @Test
    void crossOriginStateChangesAreRefused() throws Exception {
        Object body = Map.of("prompt", QueueHistoryTest.quick(1).json);
        Harness.Resp evil = h.post("/prompt", body, "Origin", "http://evil.example");
        assertEquals(403, evil.status());
        assertEquals(403, h.post("/prompt", body, "Origin", "null").status());
        assertEquals(403, h.post("/queue", Map.of("clear", true), "Origin", "http://127.0.0.1:1").status(), "port differs");
        assertEquals(403, h.post("/interrupt", "", "Origin", "http://localhost:" + h.server.port()).status(), "host differs");
        assertEquals(403, h.send(h.req("/history").method("DELETE", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example").build()).status());
        assertEquals(200, h.post("/prompt", body, "Origin", "http://127.0.0.1:" + h.server.port()).status(), "same origin");
        assertEquals(200, h.post("/prompt", body).status(), "no Origin: not a browser");
        assertEquals(200, h.get("/queue", "Origin", "http://evil.example").status(), "reads are not refused");
        assertThrows(Exception.class, () -> h.connect("/ws?clientId=x", "Origin", "http://evil.example"));
        assertFalse(h.get("/queue").json().toString().contains("evil"));
    }

    @Test
    void corsAllowsTheOneConfiguredOrigin(@TempDir Path other) throws Exception {
        try (Harness c = new Harness(other, new ServerConfig().corsOrigin("http://app.example"))) {
            Harness.Resp ok = c.post("/prompt", Map.of("prompt", QueueHistoryTest.quick(2).json), "Origin", "http://app.example");
            assertEquals(200, ok.status(), ok.body());
            assertEquals("http://app.example", ok.header("Access-Control-Allow-Origin"));
            assertEquals("Content-Type, Authorization", ok.header("Access-Control-Allow-Headers"));
            assertEquals("true", ok.header("Access-Control-Allow-Credentials"));
            Harness.Resp pre = c.send(c.req("/prompt", "Origin", "http://app.example")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, pre.status());
            assertTrue(pre.header("Access-Control-Allow-Methods").contains("POST"));
            assertEquals(403, c.post("/prompt", Map.of("prompt", QueueHistoryTest.quick(3).json), "Origin", "http://evil.example").status());
        }
    }

    @Test
    void tokenRequiredWhenNotLoopback(@TempDir Path other) throws Exception {
        assertFalse(ServerConfig.isLoopback("0.0.0.0"));
        assertTrue(ServerConfig.isLoopback("127.0.0.1") && ServerConfig.isLoopback("::1") && ServerConfig.isLoopback("localhost"));
        try (Harness t = new Harness(other, new ServerConfig().listen("0.0.0.0"))) {
            String token = t.server.token();
            assertNotNull(token);
            assertTrue(token.length() >= 24);
            for (String path : List.of("/", "/queue", "/api/history", "/object_info", "/view?filename=x.png", "/system_stats", "/nope")) {
                Harness.Resp r = t.get(path);
                assertEquals(401, r.status(), path);
                assertEquals("Bearer", r.header("WWW-Authenticate"));
            }
            assertEquals(401, t.post("/prompt", Map.of("prompt", QueueHistoryTest.quick(4).json)).status());
            assertEquals(401, t.get("/queue", "Authorization", "Bearer wrong").status());
            assertEquals(401, t.get("/queue?token=wrong").status());
            assertThrows(Exception.class, () -> t.connect("/ws?clientId=a"));
            assertEquals(200, t.get("/queue?token=" + token).status());
            assertEquals(200, t.get("/queue", "Authorization", "Bearer " + token).status());
            Harness.Ws w = t.connect("/ws?clientId=a&token=" + token);
            assertEquals("status", w.next(5000).get("type").asText());
            w.close();
            t.token = token;
            assertEquals(200, t.get("/").status());
            assertTrue(t.server.url().endsWith("?token=" + token));
            t.token = null;
        }
    }

    // ---- uploads ------------------------------------------------------------------------------------------

    static byte[] multipart(String boundary, Map<String, String> fields, String filename, byte[] file) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        fields.forEach((k, v) -> b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n")
                .getBytes(StandardCharsets.UTF_8)));
        if (file != null) {
            b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(file);
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    static Harness.Resp upload(Harness h, String path, Map<String, String> fields, String filename, byte[] file) throws Exception {
        String boundary = "----easel" + System.nanoTime();
        return h.send(h.req(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, fields, filename, file))).build());
    }

    @Test
    void uploadNamingLikeComfyUI() throws Exception {
        byte[] a = TestNodes.png(new TinyImage(4, 4, 0.2)), b = TestNodes.png(new TinyImage(4, 4, 0.8)), c = TestNodes.png(new TinyImage(5, 4, 0.8));
        JsonNode r = upload(h, "/upload/image", Map.of(), "pic.png", a).json();
        assertEquals("pic.png", r.get("name").asText());
        assertEquals("", r.get("subfolder").asText());
        assertEquals("input", r.get("type").asText());
        assertEquals("pic.png", upload(h, "/upload/image", Map.of(), "pic.png", a).json().get("name").asText(), "same bytes reused");
        assertEquals("pic (1).png", upload(h, "/upload/image", Map.of(), "pic.png", b).json().get("name").asText());
        assertEquals("pic (2).png", upload(h, "/api/upload/image", Map.of(), "pic.png", c).json().get("name").asText());
        assertEquals("pic (1).png", upload(h, "/upload/image", Map.of(), "pic.png", b).json().get("name").asText(), "dedup finds (1)");
        assertEquals("pic.png", upload(h, "/upload/image", Map.of("overwrite", "true"), "pic.png", b).json().get("name").asText());
        assertTrue(Arrays.equals(b, Files.readAllBytes(dir.resolve("input/pic.png"))));
        JsonNode s = upload(h, "/upload/image", Map.of("subfolder", "masks/x", "type", "temp"), "m.png", a).json();
        assertEquals("masks/x", s.get("subfolder").asText());
        assertTrue(Files.exists(dir.resolve("temp/masks/x/m.png")));
        assertEquals(200, h.get("/view?filename=m.png&subfolder=masks/x&type=temp").status());
    }

    @Test
    void uploadRefusesBadNamesPathsAndData() throws Exception {
        byte[] png = TestNodes.png(new TinyImage(2, 2, 0.3));
        JsonNode r = upload(h, "/upload/image", Map.of(), "../../evil.png", png).json();
        assertEquals("evil.png", r.get("name").asText(), "directory parts are dropped");
        assertTrue(Files.exists(dir.resolve("input/evil.png")));
        assertFalse(Files.exists(dir.resolve("evil.png")));
        assertEquals("b.png", upload(h, "/upload/image", Map.of(), "a\\b.png", png).json().get("name").asText(), "Windows separators too");
        assertEquals(400, upload(h, "/upload/image", Map.of("subfolder", "../out"), "x.png", png).status());
        assertEquals(400, upload(h, "/upload/image", Map.of("subfolder", "/tmp"), "x.png", png).status());
        assertEquals(400, upload(h, "/upload/image", Map.of("type", "models"), "x.png", png).status());
        assertEquals(400, upload(h, "/upload/image", Map.of(), "page.html", png).status());
        assertEquals(400, upload(h, "/upload/image", Map.of(), "..", png).status());
        Harness.Resp notImage = upload(h, "/upload/image", Map.of(), "fake.png", "<html>hi</html>".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notImage.status());
        assertTrue(notImage.json().get("error").asText().contains("not a valid image"));
        assertFalse(Files.exists(dir.resolve("input/fake.png")));
        assertEquals(400, upload(h, "/upload/image", Map.of("name", "x"), null, null).status(), "no image part");
        byte[] big = new byte[400 * 1024];
        System.arraycopy(png, 0, big, 0, png.length);
        Harness.Resp tooBig = upload(h, "/upload/image", Map.of(), "big.png", big);
        assertEquals(413, tooBig.status());
        assertFalse(Files.exists(dir.resolve("input/big.png")));
        assertEquals(256 * 1024, h.get("/features").json().get("max_upload_size").asLong());
    }

    @Test
    void maskUploadCopiesAlphaOntoOriginal() throws Exception {
        Files.write(dir.resolve("input/orig.png"), TestNodes.png(new TinyImage(3, 3, 1.0)));
        BufferedImage m = new BufferedImage(3, 3, BufferedImage.TYPE_INT_ARGB);
        m.setRGB(1, 1, 0x80000000);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(m, "png", bos);
        JsonNode r = upload(h, "/upload/mask", Map.of("original_ref", "{\"filename\":\"orig.png\",\"subfolder\":\"\",\"type\":\"input\"}"),
                "clipspace-mask.png", bos.toByteArray()).json();
        assertEquals("clipspace-mask.png", r.get("name").asText());
        BufferedImage out = ImageIO.read(dir.resolve("input/clipspace-mask.png").toFile());
        assertEquals(0x80FFFFFF, out.getRGB(1, 1));
        assertEquals(0x00FFFFFF, out.getRGB(0, 0));
        assertEquals(403, upload(h, "/upload/mask", Map.of("original_ref", "{\"filename\":\"secret.png\",\"subfolder\":\"../secret\"}"),
                "m2.png", bos.toByteArray()).status());
        assertEquals(400, upload(h, "/upload/mask", Map.of("original_ref", "{\"filename\":\"../secret/secret.png\"}"),
                "m3.png", bos.toByteArray()).status());
    }

    // ---- robustness --------------------------------------------------------------------------------------

    @Test
    void badRequestsGetClearJsonErrors() throws Exception {
        Harness.Resp r = h.post("/prompt", "{not json");
        assertEquals(400, r.status());
        assertEquals("invalid_json", r.json().at("/error/type").asText());
        assertEquals(400, h.post("/prompt", "[1,2]").status());
        assertEquals(400, h.post("/prompt", Map.of("prompt", List.of(1, 2))).status());
        assertEquals(400, h.post("/prompt", Map.of("prompt", Map.of("1", "x"))).status());
        assertEquals(400, h.post("/prompt", Map.of("prompt", QueueHistoryTest.quick(1).json, "number", "first")).status());
        assertEquals(400, h.post("/prompt", Map.of("prompt", QueueHistoryTest.quick(1).json, "extra_data", "x")).status());
        assertEquals(400, h.post("/prompt", Map.of("prompt", QueueHistoryTest.quick(1).json, "partial_execution_targets", "2")).status());
        assertEquals(400, h.post("/queue", Map.of("delete", "abc")).status());
        assertEquals(400, h.post("/queue", Map.of("clear", "yes")).status());
        assertEquals(400, h.post("/history", "{\"delete\": [1]}").status());
        assertEquals(400, h.post("/interrupt", "{\"prompt_id\": 5}").status());
        assertEquals(400, h.post("/free", "[]").status());
        assertEquals(400, h.post("/queue", "{").status());
        Harness.Resp nf = h.get("/no/such/route");
        assertEquals(404, nf.status());
        assertTrue(nf.json().has("error"));
        assertEquals(404, h.get("/models/not_a_folder").status());
        assertEquals(404, h.get("/models/..%2Fsecret").status());
        Harness.Resp huge = h.post("/prompt", "{\"prompt\": \"" + "x".repeat(300 * 1024) + "\"}");
        assertEquals(413, huge.status());
        for (Harness.Resp x : List.of(r, nf, huge)) {
            assertFalse(x.body().contains("Exception") || x.body().contains("\tat "), x.body());
        }
        assertEquals(200, h.get("/queue").status(), "still serving");
    }

    @Test
    void informationalRoutes() throws Exception {
        JsonNode st = h.get("/system_stats").json();
        assertTrue(st.at("/system/ram_total").asLong() > 0);
        assertEquals("cpu", st.at("/devices/0/type").asText());
        assertEquals("[]", h.get("/embeddings").body());
        JsonNode models = h.get("/api/models").json();
        assertTrue(models.toString().contains("checkpoints"));
        Files.createDirectories(dir.resolve("models/checkpoints/sd"));
        Files.writeString(dir.resolve("models/checkpoints/sd/a.onnx"), "x");
        Files.writeString(dir.resolve("models/checkpoints/readme.txt"), "x");
        assertEquals("[\"sd/a.onnx\"]", h.get("/models/checkpoints").body());
        JsonNode f = h.get("/features").json();
        assertTrue(f.get("supports_preview_metadata").asBoolean());
        Harness.Resp index = h.get("/");
        assertEquals(200, index.status());
        assertTrue(index.header("Content-Type").startsWith("text/html"));
        assertTrue(index.body().contains("<div id=\"root\">"), "the editor's page");
        assertTrue(index.header("Content-Security-Policy").contains("img-src 'self' blob:"), "live previews are blob: images");
        assertNotEquals(0, h.get("/prompt").json().at("/exec_info").size());
    }
}
