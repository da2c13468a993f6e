package org.easel.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.easel.engine.Json;

/**
 * The POST /prompt load generator, run in its own JVM against a server in another (see {@link BenchServerMain}),
 * so the figures are the server's: {@code PostBench URL [connections] [prompts] [basic|demo]}. Each connection
 * posts its share of prompts back to back (distinct values, so nothing is cached); prints accepted prompts/s
 * and the latency p50/p99/max of the answers, then clears what is still queued.
 */
public final class PostBench {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int total = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        boolean demo = args.length > 3 && args[3].equals("demo");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ObjectNode demoWf = demo ? (ObjectNode) Json.MAPPER.readTree(Path.of("..", "workflows", "text-to-image.json").toFile()) : null;
        // warm-up: the server's JIT and connections
        run(http, base, connections, Math.min(total, 2000), demoWf, -1_000_000, null);
        http.send(post(base + "/queue", "{\"clear\":true}"), HttpResponse.BodyHandlers.discarding());
        List<Long> lat = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        int failed = run(http, base, connections, total, demoWf, 0, lat);
        double secs = (System.nanoTime() - t0) / 1e9;
        http.send(post(base + "/queue", "{\"clear\":true}"), HttpResponse.BodyHandlers.discarding());
        List<Long> l = new ArrayList<>(lat);
        Collections.sort(l);
        System.out.printf("workflow=%s connections=%d prompts=%d failed=%d%n",
                demo ? "text-to-image (demo model)" : "PrimitiveInt -> IntMath -> PreviewAny", connections, total, failed);
        System.out.printf("accepted %.0f prompts/s; POST /prompt p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                (total - failed) / secs, LoadBench.pct(l, 0.50), LoadBench.pct(l, 0.99), l.get(l.size() - 1) / 1e6);
    }

    private static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static int run(HttpClient http, String base, int connections, int total, ObjectNode demoWf, int offset,
                           List<Long> lat) throws InterruptedException {
        AtomicInteger next = new AtomicInteger(), failed = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    Object wf;
                    if (demoWf != null) {
                        ObjectNode w = demoWf.deepCopy();
                        ((ObjectNode) w.get("3").get("inputs")).put("seed", Math.abs(offset + i));
                        wf = w;
                    } else {
                        wf = LoadBench.workflow(offset + i).json;
                    }
                    String body = Json.write(Map.of("prompt", wf));
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(post(base + "/prompt", body), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            if (failed.getAndIncrement() < 3) System.err.println(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    if (lat != null) lat.add(System.nanoTime() - s);
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        return failed.get();
    }
}
