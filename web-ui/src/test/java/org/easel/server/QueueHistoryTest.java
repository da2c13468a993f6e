package org.easel.server;

import static org.easel.server.Harness.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easel.engine.Json;
import org.easel.server.Harness.Graph;
import org.easel.server.Harness.Ws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue, interrupt and history semantics and durability across restarts. */
class QueueHistoryTest {
    static Graph quick(int v) {
        return new Graph().node("1", "PrimitiveInt", "value", v).node("2", "PreviewAny", "source", link("1", 0));
    }

    static Graph slow(double seconds, String prefix) {
        return new Graph().node("1", "StubImage", "content", "BLACK", "height", 4, "width", 4)
                .node("2", "TestSleep", "value", link("1", 0), "seconds", seconds)
                .node("3", "TestSave", "images", link("2", 0), "filename_prefix", prefix);
    }

    static List<String> keys(JsonNode o) {
        List<String> l = new ArrayList<>();
        o.fieldNames().forEachRemaining(l::add);
        return l;
    }

    @Test
    void historyPagingAndParameterErrors(@TempDir Path dir) throws Exception {
        try (Harness h = Harness.start(dir)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) ids.add(h.queue(quick(i).json, null));
            for (String id : ids) h.awaitHistory(id, 10_000);
            List<String> all = keys(h.get("/history").json());
            assertEquals(ids, all, "oldest first, in completion order");
            int n = all.size();

            List<String> a = keys(h.get("/history?max_items=2&offset=0").json());
            List<String> b = keys(h.get("/history?max_items=2&offset=2").json());
            assertEquals(ids.subList(0, 2), a);
            assertEquals(ids.subList(2, 4), b);
            assertEquals("{}", h.get("/history?offset=100").body());
            assertEquals("{}", h.get("/history?offset=" + n).body());
            assertEquals(all, keys(h.get("/history?offset=0").json()));
            assertEquals(n - 2, keys(h.get("/history?offset=2").json()).size());
            assertTrue(keys(h.get("/history?max_items=2&offset=1").json()).size() <= 2);
            assertTrue(keys(h.get("/history?max_items=5&offset=" + (n - 1)).json()).size() <= 1);
            assertEquals(ids.subList(n - 2, n), keys(h.get("/api/history?max_items=2").json()), "the last N");

            Harness.Resp bad = h.get("/history?max_items=not-an-integer");
            assertEquals(400, bad.status());
            assertEquals(Map.of("error", "max_items must be an integer"), h.get("/history?max_items=not-an-integer").json().traverse(
                    Json.MAPPER).readValueAs(Map.class));
            bad = h.get("/history?offset=not-an-integer");
            assertEquals(400, bad.status());
            assertEquals("offset must be an integer", bad.json().get("error").asText());
            assertEquals(1, bad.json().size());

            assertEquals("{}", h.get("/history/" + Harness.newId()).body());
            JsonNode one = h.get("/history/" + ids.get(0)).json();
            assertEquals(List.of(ids.get(0)), keys(one));

            assertEquals(200, h.post("/history", Map.of("delete", List.of(ids.get(0)))).status());
            assertFalse(h.get("/history").json().has(ids.get(0)));
            assertEquals(200, h.post("/api/history", Map.of("clear", true)).status());
            assertEquals("{}", h.get("/history").body());
        }
    }

    @Test
    void historyIsBounded(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir, new ServerConfig().maxHistory(3))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) ids.add(h.queue(quick(100 + i).json, null));
            h.awaitHistory(ids.get(4), 10_000);
            assertEquals(ids.subList(2, 5), keys(h.get("/history").json()));
        }
    }

    @Test
    void interruptQueueDeleteAndClear(@TempDir Path dir) throws Exception {
        try (Harness h = Harness.start(dir)) {
            String client = Harness.newId();
            Ws ws = h.ws(client);
            String running = h.queue(slow(30, "slow").json, client);
            List<String> pending = new ArrayList<>();
            for (int i = 0; i < 3; i++) pending.add(h.queue(quick(200 + i).json, client));
            JsonNode ex = ws.next("executing", 10_000);
            while (!"2".equals(ex.at("/data/node").asText())) ex = ws.next("executing", 10_000);

            JsonNode q = h.get("/queue").json();
            assertEquals(running, q.at("/queue_running/0/1").asText());
            assertEquals(5, q.at("/queue_running/0").size());
            List<String> pendingIds = new ArrayList<>();
            q.get("queue_pending").forEach(it -> pendingIds.add(it.get(1).asText()));
            assertEquals(pending, pendingIds);
            assertEquals(4, h.get("/prompt").json().at("/exec_info/queue_remaining").asInt());

            assertEquals(200, h.post("/queue", Map.of("delete", List.of(pending.get(0)))).status());
            q = h.get("/api/queue").json();
            assertEquals(2, q.get("queue_pending").size());
            assertEquals(pending.get(1), q.at("/queue_pending/0/1").asText());
            assertEquals(200, h.post("/queue", Map.of("clear", true)).status());
            assertEquals(0, h.get("/queue").json().get("queue_pending").size());
            assertEquals(1, h.get("/queue").json().get("queue_running").size(), "the running prompt is unaffected");

            // an interrupt for another prompt id is a no-op
            assertEquals(200, h.post("/interrupt", Map.of("prompt_id", Harness.newId())).status());
            Thread.sleep(300);
            assertEquals(1, h.get("/queue").json().get("queue_running").size());

            long t0 = System.nanoTime();
            assertEquals(200, h.post("/interrupt", Map.of("prompt_id", running)).status());
            JsonNode intr = ws.next("execution_interrupted", 5000).get("data");
            assertTrue((System.nanoTime() - t0) / 1e9 < 3);
            assertEquals(running, intr.get("prompt_id").asText());
            assertEquals("2", intr.get("node_id").asText());
            assertEquals("TestSleep", intr.get("node_type").asText());
            assertTrue(intr.has("executed"));
            JsonNode done = ws.next("executing", 5000).get("data");
            assertTrue(done.get("node").isNull());
            JsonNode e = h.awaitHistory(running, 5000);
            assertEquals("error", e.at("/status/status_str").asText());
            assertFalse(e.at("/status/completed").asBoolean());
            JsonNode msgs = e.at("/status/messages");
            assertEquals("execution_interrupted", msgs.get(msgs.size() - 1).get(0).asText());
            JsonNode hist = h.get("/history").json();
            for (String p : pending) assertFalse(hist.has(p), "deleted prompts never run");
            assertEquals(0, h.get("/prompt").json().at("/exec_info/queue_remaining").asInt());

            // an interrupt while idle does not leak into the next prompt
            assertEquals(200, h.post("/interrupt", "").status());
            String next = h.queue(quick(300).json, client);
            assertEquals("success", h.awaitHistory(next, 10_000).at("/status/status_str").asText());
            ws.close();
        }
    }

    @Test
    void aLongQueueRunsInOrderWithItsOwnValues(@TempDir Path dir) throws Exception {
        // past the head of the queue only the JSON is kept and the worker validates again: nothing may change
        try (Harness h = Harness.start(dir)) {
            String blocker = h.queue(slow(0.8, "long").json, null);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) ids.add(h.queue(quick(5000 + i).json, null));
            assertTrue(h.get("/prompt").json().at("/exec_info/queue_remaining").asInt() > 20, "the queue is long");
            h.awaitHistory(ids.get(39), 20_000);
            JsonNode hist = h.get("/history").json();
            List<String> order = keys(hist);
            assertEquals(blocker, order.get(0));
            assertEquals(ids, order.subList(1, 41), "run in the order queued");
            for (int i = 0; i < 40; i++) {
                JsonNode e = hist.get(ids.get(i));
                assertEquals("success", e.at("/status/status_str").asText());
                assertEquals(String.valueOf(5000 + i), e.at("/outputs/2/text/0").asText(), "prompt " + i + " ran its own value");
            }
        }
    }

    @Test
    void numberAndFrontOrdering(@TempDir Path dir) throws Exception {
        try (Harness h = Harness.start(dir)) {
            String client = Harness.newId();
            Ws ws = h.ws(client);
            String blocker = h.queue(slow(0.6, "order").json, client);
            ws.next("executing", 10_000);
            String b = h.queue(quick(401).json, client);
            String c = h.queue(quick(402).json, client, "front", true);
            String d = h.queue(quick(403).json, client, "number", -1000.5);
            JsonNode resp = h.queueRaw(quick(404).json, client, "number", 7).json();
            assertEquals(7.0, resp.get("number").asDouble());
            h.awaitHistory(b, 10_000);
            h.awaitHistory(resp.get("prompt_id").asText(), 10_000);
            List<String> order = keys(h.get("/history").json());
            assertEquals(List.of(blocker, d, c, b), order.subList(0, 4));
            ws.close();
        }
    }

    @Test
    void freeAndGracefulRestartKeepsQueue(@TempDir Path dir) throws Exception {
        String running;
        List<String> pending = new ArrayList<>();
        try (Harness h = Harness.start(dir)) {
            assertEquals(200, h.post("/free", Map.of("unload_models", true, "free_memory", true)).status());
            String client = Harness.newId();
            Ws ws = h.ws(client);
            running = h.queue(slow(30, "restart").json, client);
            for (int i = 0; i < 3; i++) pending.add(h.queue(quick(500 + i).json, null));
            ws.next("executing", 10_000);
            ws.close();
        }
        assertTrue(Files.exists(dir.resolve("user/easel.db")));
        try (Harness h = Harness.start(dir)) {
            JsonNode e = h.awaitHistory(running, 5000);
            assertEquals("error", e.at("/status/status_str").asText());
            for (String p : pending) assertEquals("success", h.awaitHistory(p, 10_000).at("/status/status_str").asText());
            Set<String> all = new HashSet<>(keys(h.get("/history").json()));
            assertTrue(all.contains(running) && all.containsAll(pending));
        }
    }
}
