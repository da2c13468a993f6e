package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a queue: the server runs in a child JVM, is killed with prompts running and
 * pending, and restarted on the same user folder. Every accepted prompt must then either complete or show
 * as interrupted in history.
 */
class CrashRecoveryTest {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Process startChild(Path dir, Path portFile) throws Exception {
        Files.deleteIfExists(portFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashServerMain.class.getName(), dir.toString(), portFile.toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
        return pb.start();
    }

    String awaitPort(Process p, Path portFile, Path dir) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(portFile)) return "http://127.0.0.1:" + Files.readString(portFile).trim();
            if (!p.isAlive()) fail("child exited: " + Files.readString(dir.resolve("child.log")));
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("child did not start: " + Files.readString(dir.resolve("child.log")));
    }

    JsonNode get(String url) throws Exception {
        return Json.parse(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    String post(String base, Object prompt) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/prompt"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("prompt", prompt)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.parse(r.body()).get("prompt_id").asText();
    }

    @Test
    void killDashNineThenRestart(@TempDir Path dir) throws Exception {
        assertTrue(System.getProperty("java.class.path").contains("classes"), "test class path visible");
        Path portFile = dir.resolve("port");
        Process a = startChild(dir, portFile);
        List<String> accepted = new ArrayList<>();
        String longOne;
        try {
            String base = awaitPort(a, portFile, dir);
            longOne = post(base, QueueHistoryTest.slow(20, "crash_long").json);
            for (int i = 0; i < 3; i++) accepted.add(post(base, QueueHistoryTest.slow(0.1, "crash_p" + i).json));
            long end = System.currentTimeMillis() + 10_000;
            while (get(base + "/queue").get("queue_running").isEmpty()) {
                if (System.currentTimeMillis() > end) fail("never started");
                Thread.sleep(20);
            }
            Thread.sleep(200);   // inside TestSleep
        } finally {
            a.destroyForcibly();
            a.waitFor();
        }

        Process b = startChild(dir, portFile);
        try {
            String base = awaitPort(b, portFile, dir);
            // a burst, then an immediate second kill: whatever was accepted must survive again
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < 6; i++) burst.add(post(base, QueueHistoryTest.slow(0.05, "crash_b" + i).json));
            b.destroyForcibly();
            b.waitFor();
            accepted.addAll(burst);

            Process c = startChild(dir, portFile);
            try {
                base = awaitPort(c, portFile, dir);
                JsonNode first = await(base, longOne);
                assertEquals("error", first.at("/status/status_str").asText());
                assertFalse(first.at("/status/completed").asBoolean());
                JsonNode msgs = first.at("/status/messages");
                assertEquals("execution_interrupted", msgs.get(msgs.size() - 1).get(0).asText());
                assertEquals(longOne, msgs.get(msgs.size() - 1).get(1).get("prompt_id").asText());
                for (String id : accepted) {
                    JsonNode e = await(base, id);
                    String s = e.at("/status/status_str").asText();
                    boolean interrupted = e.at("/status/messages").toString().contains("execution_interrupted");
                    assertTrue(s.equals("success") || interrupted, id + ": " + e);
                    if (s.equals("success")) assertEquals(1, e.at("/outputs/3/images").size());
                }
                assertEquals(0, get(base + "/prompt").at("/exec_info/queue_remaining").asInt());
            } finally {
                c.destroyForcibly();
                c.waitFor();
            }
        } finally {
            b.destroyForcibly();
        }
    }

    JsonNode await(String base, String id) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < end) {
            JsonNode h = get(base + "/history/" + id);
            if (h.has(id)) return h.get(id);
            Thread.sleep(50);
        }
        throw new AssertionError(id + " never reached history");
    }

    static String cp() {
        return System.getProperty("java.class.path").replace(File.pathSeparator, "\n");
    }
}
