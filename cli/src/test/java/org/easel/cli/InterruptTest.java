package org.easel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl+C on a real {@code easel run} process: it says where it stopped, saves nothing and exits 130. */
class InterruptTest {
    @TempDir
    Path home;

    @Test
    void ctrlCDuringTheSamplerSaysWhereAndSavesNothing() throws Exception {
        Path workflow = Path.of("..", "workflows", "text-to-image.json").toAbsolutePath().normalize();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Deasel.home=" + home, Main.class.getName(), "run", workflow.toString(),
                "--set", "3.steps=10000", "--set", "5.width=256", "--set", "5.height=256");
        pb.environment().put("CI", "1");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getErrorStream(), err));
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            String started = "KSampler #3\n    ";           // the first progress line of the sampler
            while (!text(err).contains(started) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(p.isAlive(), "ended early with " + (p.isAlive() ? "" : p.exitValue()) + ": " + text(err));
            assertTrue(text(err).contains(started), "the sampler did not start: " + text(err));
            Thread.sleep(200);
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running after Ctrl+C");
            reader.join(5000);
            assertEquals(130, p.exitValue(), err.toString(StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.matches("(?s).*\nInterrupted at KSampler step \\d+/10000 — nothing saved\n.*"), text);
            try (Stream<Path> files = Files.walk(home.resolve("output"))) {
                List<Path> left = files.filter(Files::isRegularFile).toList();
                assertEquals(List.of(), left, "no partial files");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) to.write(buf, 0, n);
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
