package org.easel.server;

import static org.easel.server.Harness.link;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.easel.engine.Json;
import org.easel.server.Harness.Graph;
import org.easel.server.Harness.Ws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket protocol: status, per-client events and their order, previews, reconnects, feature flags. */
class WebSocketTest {
    @TempDir
    static Path dir;
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(dir);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Graph sleepy(double seconds, int size) {
        return new Graph().node("1", "StubImage", "content", "BLACK", "height", size, "width", size)
                .node("2", "TestSleep", "value", link("1", 0), "seconds", seconds)
                .node("3", "TestSave", "images", link("2", 0), "filename_prefix", "ws");
    }

    @Test
    void statusOnConnectWithSid() throws Exception {
        Ws a = h.ws("abc-client");
        JsonNode m = a.next(5000);
        assertEquals("status", m.get("type").asText());
        assertEquals("abc-client", m.at("/data/sid").asText());
        assertEquals(0, m.at("/data/status/exec_info/queue_remaining").asInt());
        Ws b = h.connect("/api/ws");
        JsonNode mb = b.next(5000);
        assertEquals(32, mb.at("/data/sid").asText().length(), "generated uuid4 hex");
        a.close();
        b.close();
    }

    @Test
    void eventOrderAndOnlyTheSubmittingClient() throws Exception {
        String ca = Harness.newId(), cb = Harness.newId();
        Ws a = h.ws(ca), b = h.ws(cb);
        a.next(5000);
        b.next(5000);
        Harness.Run r = h.run(a, ca, sleepy(0.1, 3).json);
        List<String> types = r.types();
        assertEquals("execution_start", types.get(0));
        assertEquals("execution_cached", types.get(1));
        assertTrue(types.contains("progress"));
        assertTrue(types.indexOf("executed") < types.indexOf("execution_success"));
        assertEquals("executing", types.get(types.size() - 1));
        JsonNode prog = r.events.stream().filter(e -> e.get("type").asText().equals("progress")).findFirst().orElseThrow();
        assertEquals("2", prog.at("/data/node").asText());
        assertTrue(prog.at("/data/max").asInt() > 0);
        // the other client only saw status broadcasts
        Thread.sleep(100);
        for (JsonNode m : b.messages) assertEquals("status", m.get("type").asText(), m.toString());
        assertTrue(b.messages.size() >= 2, "status broadcast on queue changes");
        a.close();
        b.close();
    }

    @Test
    void reconnectReplacesOldSocketAndFeatureFlags() throws Exception {
        String id = Harness.newId();
        Ws first = h.ws(id);
        assertEquals("status", first.next(5000).get("type").asText());
        Ws second = h.ws(id);
        assertEquals("status", second.next(5000).get("type").asText());
        first.closed.get(5, TimeUnit.SECONDS);
        assertTrue(first.closed.isDone(), "old socket closed");
        second.sendText("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
        JsonNode ff = second.next("feature_flags", 5000);
        assertTrue(ff.at("/data/supports_preview_metadata").asBoolean());
        assertTrue(ff.at("/data/max_upload_size").asLong() > 0);
        // events now go to the second socket
        Harness.Run r = h.run(second, id, QueueHistoryTest.quick(9001).json);
        assertEquals("success", r.history.at("/status/status_str").asText());
        second.close();
    }

    @Test
    void reconnectDuringARunGetsTheCurrentNode() throws Exception {
        String id = Harness.newId();
        Ws first = h.ws(id);
        String pid = h.queue(sleepy(20, 9).json, id);
        JsonNode ex = first.next("executing", 10_000);
        while (!"2".equals(ex.at("/data/node").asText())) ex = first.next("executing", 10_000);
        Ws second = h.ws(id);
        assertEquals("status", second.next(5000).get("type").asText());
        JsonNode cur = second.next(5000);
        assertEquals("executing", cur.get("type").asText());
        assertEquals("2", cur.at("/data/node").asText());
        h.post("/interrupt", Map.of("prompt_id", pid));
        assertEquals(pid, second.next("execution_interrupted", 5000).at("/data/prompt_id").asText());
        second.close();
    }

    @Test
    void binaryPreviewFrames() throws Exception {
        String id = Harness.newId();
        Ws ws = h.ws(id);
        Map<String, String> auto = Map.of("preview_method", "auto");
        h.run(ws, id, sleepy(0.3, 5).json, "extra_data", auto);
        byte[] f = ws.binary.poll(2, TimeUnit.SECONDS);
        assertTrue(f != null, "a preview frame");
        ByteBuffer bb = ByteBuffer.wrap(f);
        assertEquals(1, bb.getInt(), "PREVIEW_IMAGE");
        assertEquals(2, bb.getInt(), "PNG");
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOfRange(f, 8, 12));

        // with supports_preview_metadata: type 4 with JSON metadata
        ws.binary.clear();
        ws.sendText("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
        ws.next("feature_flags", 5000);
        Harness.Run r = h.run(ws, id, sleepy(0.31, 5).json, "extra_data", auto);
        byte[] g = ws.binary.poll(2, TimeUnit.SECONDS);
        assertTrue(g != null);
        ByteBuffer gb = ByteBuffer.wrap(g);
        assertEquals(4, gb.getInt());
        int len = gb.getInt();
        JsonNode meta = Json.parse(new String(g, 8, len, StandardCharsets.UTF_8));
        assertEquals(r.promptId, meta.get("prompt_id").asText());
        assertEquals("2", meta.get("node_id").asText());
        assertEquals("image/png", meta.get("image_type").asText());
        ws.close();
    }

    @Test
    void noPreviewsWhenPreviewMethodNone() throws Exception {
        String id = Harness.newId();
        Ws ws = h.ws(id);
        h.run(ws, id, sleepy(0.2, 6).json, "extra_data", Map.of("preview_method", "none"));
        assertNull(ws.binary.poll(200, TimeUnit.MILLISECONDS));
        ws.close();
    }

    @Test
    void interruptIsBroadcastWithoutClientId() throws Exception {
        Ws watcher = h.ws(Harness.newId());
        watcher.next(5000);
        String pid = h.queue(sleepy(20, 7).json, null);
        long end = System.currentTimeMillis() + 10_000;
        while (h.get("/queue").json().get("queue_running").isEmpty() && System.currentTimeMillis() < end) Thread.sleep(20);
        Thread.sleep(100);
        h.post("/interrupt", "");
        JsonNode m = watcher.next("execution_interrupted", 5000);
        assertEquals(pid, m.at("/data/prompt_id").asText());
        assertFalse(watcher.messages.stream().anyMatch(x -> x.get("type").asText().equals("execution_start")));
        watcher.close();
    }
}
