package org.easel.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.easel.engine.Json;

/**
 * The POST /prompt load generator, run in its own JVM against a server in another (see {@link BenchServerMain}),
 * so the figures are the server's: {@code PostBench URL [connections] [prompts] [basic|demo] [rate]}.
 * <p>
 * Each connection is a plain keep-alive socket with the request bytes made beforehand (distinct values, so
 * nothing is cached), so the generator itself costs little CPU on a machine it shares with the server.
 * Without {@code rate} the connections post back to back (closed loop: the most the server accepts). With
 * {@code rate} prompts/s the posts are spread over the connections on a fixed schedule and each latency counts
 * from the post's scheduled time, so a stalled server shows in the figures rather than slowing the generator
 * (no coordinated omission). Prints accepted prompts/s and the latency p50/p99/max, then clears the queue.
 */
public final class PostBench {
    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int total = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        boolean demo = args.length > 3 && args[3].equals("demo");
        double rate = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        ObjectNode demoWf = demo ? (ObjectNode) Json.MAPPER.readTree(Path.of("..", "workflows", "text-to-image.json").toFile()) : null;
        // warm-up: the server's JIT (C2 is still compiling after a few thousand prompts) and connections
        run(base, connections, demo ? Math.min(total, 200) : Math.max(total, 10_000), demoWf, -1_000_000, 0, null);
        post(base, "/queue", "{\"clear\":true}");
        List<Long> lat = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        int failed = run(base, connections, total, demoWf, 0, rate, lat);
        double secs = (System.nanoTime() - t0) / 1e9;
        post(base, "/queue", "{\"clear\":true}");
        List<Long> l = new ArrayList<>(lat);
        Collections.sort(l);
        System.out.printf("workflow=%s connections=%d prompts=%d failed=%d %s%n",
                demo ? "text-to-image (demo model)" : "PrimitiveInt -> IntMath -> PreviewAny", connections, total, failed,
                rate > 0 ? String.format("offered %.0f prompts/s", rate) : "closed loop");
        System.out.printf("accepted %.0f prompts/s; POST /prompt p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                (total - failed) / secs, LoadBench.pct(l, 0.50), LoadBench.pct(l, 0.99), l.get(l.size() - 1) / 1e6);
    }

    private static int run(URI base, int connections, int total, ObjectNode demoWf, int offset, double rate,
                           List<Long> lat) throws Exception {
        AtomicInteger next = new AtomicInteger(), failed = new AtomicInteger();
        long start = System.nanoTime() + 50_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                try (Connection conn = new Connection(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        byte[] req = conn.request("/prompt", body(demoWf, offset + i));
                        long at = System.nanoTime();
                        if (rate > 0) {            // the i-th post is due at start + i / rate
                            at = start + (long) (i * 1e9 / rate);
                            long wait;
                            while ((wait = at - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                        }
                        int status = conn.exchange(req);
                        if (status != 200 && failed.getAndIncrement() < 3) System.err.println("status " + status + ": " + conn.lastBody);
                        if (lat != null) lat.add(System.nanoTime() - at);
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    System.err.println("connection failed: " + e);
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        return failed.get();
    }

    private static String body(ObjectNode demoWf, int i) {
        Object wf;
        if (demoWf != null) {
            ObjectNode w = demoWf.deepCopy();
            ((ObjectNode) w.get("3").get("inputs")).put("seed", Math.abs(i));
            wf = w;
        } else {
            wf = LoadBench.workflow(i).json;
        }
        return Json.write(Map.of("prompt", wf));
    }

    private static void post(URI base, String path, String body) throws IOException {
        try (Connection c = new Connection(base)) {
            c.exchange(c.request(path, body));
        }
    }

    /** One keep-alive HTTP/1.1 connection: writes a request, reads the status line, headers and a sized body. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;
        private final byte[] buf = new byte[64 * 1024];
        private int pos, lim;
        String lastBody;

        Connection(URI base) throws IOException {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            host = base.getHost() + ":" + base.getPort();
        }

        byte[] request(String path, String body) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] r = new byte[h.length + b.length];
            System.arraycopy(h, 0, r, 0, h.length);
            System.arraycopy(b, 0, r, h.length, b.length);
            return r;
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int length = 0;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(h.substring(colon + 1).trim());
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(length);
            while (body.size() < length) {
                if (pos == lim && !fill()) throw new IOException("connection closed in a body");
                int n = Math.min(lim - pos, length - body.size());
                body.write(buf, pos, n);
                pos += n;
            }
            lastBody = body.toString(StandardCharsets.UTF_8);
            return Integer.parseInt(status.split(" ")[1]);
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos == lim && !fill()) throw new IOException("connection closed");
                byte c = buf[pos++];
                if (c == '\n') break;
                if (c != '\r') sb.append((char) c);
            }
            return sb.toString();
        }

        private boolean fill() throws IOException {
            int n = in.read(buf);
            if (n <= 0) return false;
            pos = 0;
            lim = n;
            return true;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
