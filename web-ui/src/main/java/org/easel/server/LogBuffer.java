package org.easel.server;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The server's recent log lines for ComfyUI's {@code /internal/logs} routes: everything the server prints to
 * its log also lands here (the last {@value #MAX} lines, each with its time), and clients that subscribed get
 * new lines as {@code logs} messages.
 */
final class LogBuffer {
    static final int MAX = 1000;

    /** A line and when it was printed; the time is formatted only when a client asks (a busy server prints a lot). */
    private record Entry(long millis, String message) {
        Map<String, Object> json() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("t", Instant.ofEpochMilli(millis).toString());
            e.put("m", message);
            return e;
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Set<String> subscribers = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Map<String, Object>> sink = e -> { };

    /** A stream that writes to {@code out} (may be null) and records each line here. */
    PrintStream tee(PrintStream out) {
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (out != null) out.write(b);
                take(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (out != null) out.write(b, off, len);
                for (int i = off; i < off + len; i++) take(b[i]);
            }

            private void take(int b) {
                if (b == '\n') {
                    add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }

            @Override
            public void flush() {
                if (out != null) out.flush();
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }

    void add(String message) {
        Entry e = new Entry(System.currentTimeMillis(), message + "\n");
        synchronized (entries) {
            entries.addLast(e);
            while (entries.size() > MAX) entries.removeFirst();
        }
        if (!subscribers.isEmpty()) sink.accept(e.json());
    }

    /** The lines as ComfyUI's log entries: {@code {"t": ISO time, "m": line}}. */
    List<Map<String, Object>> entries() {
        List<Entry> copy;
        synchronized (entries) {
            copy = new ArrayList<>(entries);
        }
        List<Map<String, Object>> out = new ArrayList<>(copy.size());
        for (Entry e : copy) out.add(e.json());
        return out;
    }

    /** {@code GET /internal/logs}: the lines as one text. */
    String text() {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> e : entries()) sb.append(e.get("t")).append(" - ").append(e.get("m"));
        return sb.toString();
    }

    void subscribe(String clientId, boolean enabled) {
        if (enabled) subscribers.add(clientId);
        else subscribers.remove(clientId);
    }

    Set<String> subscribers() { return subscribers; }

    void onEntry(Consumer<Map<String, Object>> sink) { this.sink = sink; }
}
