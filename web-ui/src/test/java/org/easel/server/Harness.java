package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.easel.engine.Environment;
import org.easel.engine.Json;

/** A real server on 127.0.0.1 with an ephemeral port over a temporary folder, and HTTP/WebSocket clients for it. */
final class Harness implements AutoCloseable {
    final Path dir;
    final Environment env;
    final EaselServer server;
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String token;

    Harness(Path dir, ServerConfig cfg) throws Exception {
        this.dir = dir;
        this.env = Environment.under(dir, "cpu");
        this.server = new EaselServer(TestNodes.registry(), env, cfg.port(0), null).start();
        this.base = "http://127.0.0.1:" + server.port();
    }

    static Harness start(Path dir) throws Exception {
        return new Harness(dir, new ServerConfig().cacheBytes(64L << 20));
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------

    record Resp(int status, String body, HttpHeaders headers, byte[] bytes) {
        JsonNode json() {
            try {
                return Json.parse(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    HttpRequest.Builder req(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) b.header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    Resp send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<byte[]> res = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        return new Resp(res.statusCode(), new String(res.body(), StandardCharsets.UTF_8), res.headers(), res.body());
    }

    Resp get(String path, String... headers) throws IOException, InterruptedException {
        return send(req(path, headers).GET().build());
    }

    Resp post(String path, Object body, String... headers) throws IOException, InterruptedException {
        String s = body instanceof String str ? str : Json.write(body);
        return send(req(path, headers).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(s)).build());
    }

    /** Queues a prompt and returns the prompt id; fails unless 200. */
    String queue(Object prompt, String clientId, Object... extra) throws Exception {
        Resp r = queueRaw(prompt, clientId, extra);
        assertEquals(200, r.status(), r.body());
        return r.json().get("prompt_id").asText();
    }

    Resp queueRaw(Object prompt, String clientId, Object... extra) throws Exception {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("prompt", prompt);
        if (clientId != null) b.put("client_id", clientId);
        for (int i = 0; i < extra.length; i += 2) b.put((String) extra[i], extra[i + 1]);
        return post("/prompt", b);
    }

    /** Polls history until the prompt is there. */
    JsonNode awaitHistory(String promptId, long timeoutMs) throws Exception {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            JsonNode h = get("/history/" + promptId).json();
            if (h.has(promptId)) return h.get(promptId);
            Thread.sleep(20);
        }
        throw new AssertionError("prompt " + promptId + " did not reach history");
    }

    // ---- WebSocket -------------------------------------------------------------------------------------

    Ws ws(String clientId) throws Exception {
        return connect("/ws?clientId=" + clientId);
    }

    Ws connect(String pathAndQuery, String... headers) throws Exception {
        Ws w = new Ws();
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (token != null) b.header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        w.socket = b.buildAsync(URI.create(base.replace("http", "ws") + pathAndQuery), w).get(10, TimeUnit.SECONDS);
        return w;
    }

    /** A WebSocket client collecting text messages (as JSON) and binary frames. */
    static final class Ws implements WebSocket.Listener {
        WebSocket socket;
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream bin = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    messages.add(Json.parse(text.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            bin.write(b, 0, b.length);
            if (last) {
                binary.add(bin.toByteArray());
                bin.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        JsonNode next(long timeoutMs) throws InterruptedException {
            JsonNode m = messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (m == null) fail("no WebSocket message within " + timeoutMs + " ms");
            return m;
        }

        /** The next message of this type (others are skipped). */
        JsonNode next(String type, long timeoutMs) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMs;
            while (true) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) fail("no '" + type + "' message within " + timeoutMs + " ms");
                JsonNode m = messages.poll(left, TimeUnit.MILLISECONDS);
                if (m != null && type.equals(m.path("type").asText())) return m;
            }
        }

        void sendText(String s) {
            socket.sendText(s, true).join();
        }

        void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }
    }

    // ---- ComfyUI's test client protocol -----------------------------------------------------------------

    /** What happened to one prompt, as seen on the WebSocket plus its history entry. */
    static final class Run {
        String promptId;
        final Set<String> runs = new HashSet<>();
        final Set<String> cached = new HashSet<>();
        final List<JsonNode> events = new ArrayList<>();
        JsonNode error;
        JsonNode history;

        boolean didRun(String id) { return runs.contains(id); }
        boolean wasCached(String id) { return cached.contains(id); }
        boolean wasExecuted(String id) { return didRun(id) || wasCached(id); }
        List<String> types() { return events.stream().map(e -> e.path("type").asText()).toList(); }
        JsonNode outputs() { return history.path("outputs"); }
    }

    /** Queues with this socket's client id, reads events until {@code executing} with node null, reads history. */
    Run run(Ws ws, String clientId, Object prompt, Object... extra) throws Exception {
        Run r = new Run();
        r.promptId = queue(prompt, clientId, extra);
        long end = System.currentTimeMillis() + 20_000;
        while (true) {
            JsonNode m = ws.next(Math.max(1, end - System.currentTimeMillis()));
            JsonNode d = m.path("data");
            if (!r.promptId.equals(d.path("prompt_id").asText())) continue;
            r.events.add(m);
            switch (m.path("type").asText()) {
                case "executing" -> {
                    if (d.get("node").isNull()) {
                        r.history = awaitHistory(r.promptId, 5000);
                        return r;
                    }
                    r.runs.add(d.get("node").asText());
                }
                case "execution_cached" -> d.get("nodes").forEach(n -> r.cached.add(n.asText()));
                case "execution_error" -> r.error = d;
                default -> { }
            }
        }
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    // ---- graph building ---------------------------------------------------------------------------------

    static final class Graph {
        final ObjectNode json = Json.MAPPER.createObjectNode();

        Graph node(String id, String classType, Object... inputs) {
            ObjectNode n = json.putObject(id);
            n.put("class_type", classType);
            ObjectNode in = n.putObject("inputs");
            for (int i = 0; i < inputs.length; i += 2) in.set((String) inputs[i], Json.tree(inputs[i + 1]));
            return this;
        }

        Graph set(String id, String input, Object value) {
            ((ObjectNode) json.get(id).get("inputs")).set(input, Json.tree(value));
            return this;
        }

        Graph remove(String id) {
            json.remove(id);
            return this;
        }

        Graph copy() {
            Graph g = new Graph();
            g.json.setAll(json.deepCopy());
            return g;
        }
    }

    static List<Object> link(String id, int index) {
        return List.of(id, index);
    }
}
