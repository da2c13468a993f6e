package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.nodes.Setup;
import org.easel.server.Harness.Graph;

/**
 * Load benchmark (not a test): a real server, 20 WebSocket clients × 10 prompts each of the basic-nodes
 * workflow (PrimitiveInt → IntMath → PreviewAny, distinct values so nothing is cached). Prints prompts/s,
 * POST /prompt latency p50/p99 and whether every prompt reached history.
 * {@code java -cp <test class path> org.easel.server.LoadBench [clients] [prompts]}
 */
public final class LoadBench {
    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perClient = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean demo = args.length > 2 && args[2].equals("demo");      // text-to-image on the demo model
        Path dir = Files.createTempDirectory("easel-bench");
        if (demo) Setup.prepare(Environment.under(dir, "cpu"), null);
        IntFunction<Object> workflow = demo ? LoadBench::demoWorkflow : v -> workflow(v).json;
        try (Harness h = new Harness(dir, new ServerConfig().cacheBytes(256L << 20))) {
            // warm-up
            String warm = Harness.newId();
            Harness.Ws w = h.ws(warm);
            for (int i = 0; i < (demo ? 3 : 20); i++) h.run(w, warm, workflow.apply(-1 - i));
            w.close();

            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            Set<String> ids = Collections.synchronizedSet(new HashSet<>());
            AtomicInteger failures = new AtomicInteger();
            CountDownLatch ready = new CountDownLatch(clients), go = new CountDownLatch(1), done = new CountDownLatch(clients);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int cn = c;
                Thread t = new Thread(() -> {
                    try {
                        String cid = Harness.newId();
                        Harness.Ws ws = h.ws(cid);
                        ready.countDown();
                        go.await();
                        Set<String> mine = new HashSet<>();
                        for (int i = 0; i < perClient; i++) {
                            long t0 = System.nanoTime();
                            String pid = h.queue(workflow.apply(cn * 1000 + i), cid);
                            latencies.add(System.nanoTime() - t0);
                            mine.add(pid);
                            ids.add(pid);
                        }
                        long end = System.currentTimeMillis() + 120_000;
                        while (!mine.isEmpty() && System.currentTimeMillis() < end) {
                            JsonNode m = ws.next("executing", 120_000);
                            if (m.at("/data/node").isNull()) mine.remove(m.at("/data/prompt_id").asText());
                        }
                        if (!mine.isEmpty()) failures.addAndGet(mine.size());
                        ws.close();
                    } catch (Throwable e) {
                        failures.incrementAndGet();
                        e.printStackTrace();
                    } finally {
                        done.countDown();
                    }
                });
                t.start();
                threads.add(t);
            }
            ready.await();
            long t0 = System.nanoTime();
            go.countDown();
            done.await();
            double secs = (System.nanoTime() - t0) / 1e9;
            List<Long> l = new ArrayList<>(latencies);
            Collections.sort(l);
            int total = clients * perClient;
            JsonNode hist = h.get("/history").json();
            long inHistory = ids.stream().filter(hist::has).count();
            long ok = ids.stream().filter(id -> hist.path(id).at("/status/status_str").asText().equals("success")).count();
            System.out.printf("clients=%d prompts/client=%d total=%d workflow=%s%n", clients, perClient, total,
                    demo ? "text-to-image 256x256, 10 euler steps, demo model" : "PrimitiveInt -> IntMath -> PreviewAny");
            System.out.printf("wall time %.2f s, throughput %.1f prompts/s%n", secs, total / secs);
            System.out.printf("POST /prompt latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    pct(l, 0.50), pct(l, 0.99), l.get(l.size() - 1) / 1e6);
            System.out.printf("in history: %d/%d (success %d), client failures: %d%n", inHistory, total, ok, failures.get());
        }
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    /** workflows/text-to-image.json at 256×256, 10 steps, a seed per prompt (so nothing is cached). */
    static Object demoWorkflow(int seed) {
        try {
            ObjectNode wf = (ObjectNode)
                    Json.MAPPER.readTree(Path.of("..", "workflows", "text-to-image.json").toFile());
            ((ObjectNode) wf.get("5").get("inputs")).put("width", 256).put("height", 256);
            ((ObjectNode) wf.get("3").get("inputs")).put("steps", 10).put("seed", Math.abs(seed));
            return wf;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Graph workflow(int v) {
        return new Graph().node("1", "PrimitiveInt", "value", v)
                .node("2", "IntMath", "a", Harness.link("1", 0), "b", 1, "op", "add")
                .node("3", "PreviewAny", "source", Harness.link("2", 0));
    }
}
