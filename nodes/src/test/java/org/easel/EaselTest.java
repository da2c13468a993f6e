package org.easel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.easel.engine.Json;
import org.easel.engine.exec.ExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding facade on the real node library and the generated demo model. */
class EaselTest {
    static final Path WORKFLOWS = Path.of("..", "workflows").toAbsolutePath().normalize();

    @TempDir
    static Path sharedModels;

    @TempDir
    Path dir;

    /** The README's "Use from Java" example, word for word inside the try block. */
    @Test
    void readmeExample() throws Exception {
        Files.createDirectories(dir.resolve("workflows"));
        Files.copy(WORKFLOWS.resolve("text-to-image.json"), dir.resolve("workflows/text-to-image.json"));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ExecutionListener listener = (type, data) -> events.add(type);
        List<RunResult.SavedFile> saved;

        try (Easel easel = Easel.builder().home(dir).device("auto").build()) {
            RunResult r = easel.run(Path.of("workflows/text-to-image.json"), Map.of("6.text", "a blue square"), listener);
            saved = r.images();   // saved files, with their node ids
            assertTrue(r.success(), () -> String.valueOf(r.errorMessage()));
        }

        assertEquals(1, saved.size());
        assertEquals("9", saved.get(0).nodeId());
        assertEquals(dir.resolve("output").resolve("easel_00001_.png"), saved.get(0).path());
        BufferedImage img = ImageIO.read(saved.get(0).path().toFile());
        assertEquals(512, img.getWidth());
        double blue = fraction(img, 0x3040c0), red = fraction(img, 0xc03030);
        assertTrue(blue > 0.05 && blue > 5 * red, "blue " + blue + ", red " + red);
        assertEquals("execution_start", events.get(0));
        assertEquals("execution_success", events.get(events.size() - 1));
        assertTrue(events.contains("progress"), events.toString());
    }

    @Test
    void problemsAreValuesNamingNodeAndInput() throws Exception {
        try (Easel easel = Easel.builder().home(dir).prepare(false).build()) {
            Path basic = WORKFLOWS.resolve("basic-math.json");
            assertTrue(easel.validate(basic, Map.of()).valid());

            // one bad literal: that output is skipped, the other still runs
            Validation v = easel.validate(basic, Map.of("1.value", "abc"));
            assertTrue(v.runnable());
            assertFalse(v.valid());
            Problem p = v.problems().get(0);
            assertEquals("1", p.nodeId());
            assertEquals("PrimitiveInt", p.classType());
            assertEquals("value", p.input());
            assertEquals("invalid_input_type", p.type());
            RunResult partial = easel.run(basic, Map.of("1.value", "abc"), null);
            assertTrue(partial.success());
            assertEquals(List.of("Hello, Easel"), partial.texts().get("7"));
            assertNull(partial.texts().get("4"));

            // nothing can run: INVALID, with the problems, and nothing executed
            ObjectNode prompt = (ObjectNode) Json.MAPPER.readTree(basic.toFile());
            ((ObjectNode) prompt.get("5").get("inputs")).remove("value");
            RunResult invalid = easel.run(prompt, Map.of("1.value", "abc"), null);
            assertEquals(RunResult.Status.INVALID, invalid.status());
            assertNull(invalid.execution());
            assertTrue(invalid.validation().problems().stream().anyMatch(q -> "1".equals(q.nodeId()) && "value".equals(q.input())));
            assertTrue(invalid.validation().problems().stream()
                    .anyMatch(q -> "5".equals(q.nodeId()) && "required_input_missing".equals(q.type())));
            assertTrue(invalid.errorMessage().contains("node #1 (PrimitiveInt), input 'value'"), invalid.errorMessage());
            assertEquals(6, prompt.get("1").get("inputs").get("value").asInt(), "the caller's prompt is not changed");

            Problem noNode = easel.validate(basic, Map.of("99.value", "1")).problems().get(0);
            assertEquals("bad_override", noNode.type());
            assertEquals("99", noNode.nodeId());
            assertTrue(noNode.message().contains("there is no node '99'"), noNode.message());

            Problem noInput = easel.validate(basic, Map.of("1.nope", "1")).problems().get(0);
            assertEquals("nope", noInput.input());

            Path broken = Files.writeString(dir.resolve("broken.json"), "{\"1\": ");
            Validation notJson = easel.validate(broken, Map.of());
            assertFalse(notJson.runnable());
            assertNull(notJson.problems().get(0).nodeId());
            assertEquals("invalid_workflow", notJson.problems().get(0).type());
            assertTrue(notJson.problems().get(0).message().contains("not valid JSON"));

            Problem unknown = easel.validate(Json.parse("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}"), Map.of())
                    .problems().get(0);
            assertEquals("missing_node_type", unknown.type());
            assertEquals("1", unknown.nodeId());
            assertEquals("NoSuchNode", unknown.classType());
        }
    }

    @Test
    void interruptStopsTheRunningSamplerAndTheNextRunWorks() throws Exception {
        try (Easel easel = small()) {
            CountDownLatch sampling = new CountDownLatch(1);
            ExecutionListener listener = (type, data) -> { if (type.equals("progress")) sampling.countDown(); };
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<RunResult> f = pool.submit(() -> easel.run(textToImage(), Map.of("3.steps", "200"), listener));
                assertTrue(sampling.await(60, TimeUnit.SECONDS));
                assertTrue(easel.interrupt());
                RunResult r = f.get(60, TimeUnit.SECONDS);
                assertEquals(RunResult.Status.INTERRUPTED, r.status());
                assertEquals("3", r.execution().error().get("node_id"));
                assertTrue(r.images().isEmpty());
            } finally {
                pool.shutdownNow();
            }
            assertFalse(easel.interrupt(), "nothing is running");
            RunResult again = easel.run(textToImage(), Map.of(), null);
            assertTrue(again.success(), () -> again.errorMessage());
            assertEquals(1, again.images().size());
            // the loader and the text encoders ran before the interrupt and stay cached
            assertFalse(again.execution().executed().contains("4"), again.execution().executed().toString());
        }
    }

    @Test
    void twoThreadsShareOneEaselRunsAreSerialisedAndCacheIsKept() throws Exception {
        try (Easel easel = small()) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            ExecutionListener listener = (type, data) -> {
                if (type.startsWith("execution_start") || type.equals("execution_success") || type.equals("execution_error")) {
                    log.add(type + " " + data.get("prompt_id"));
                }
            };
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<RunResult> a = pool.submit(() -> easel.run(textToImage(), Map.of("3.seed", "1", "6.text", "a red circle"), listener));
                Future<RunResult> b = pool.submit(() -> easel.run(textToImage(), Map.of("3.seed", "2", "6.text", "a green triangle"), listener));
                RunResult ra = a.get(120, TimeUnit.SECONDS), rb = b.get(120, TimeUnit.SECONDS);
                assertTrue(ra.success(), () -> ra.errorMessage());
                assertTrue(rb.success(), () -> rb.errorMessage());
                assertNotEquals(ra.images().get(0).path(), rb.images().get(0).path());
                // serialised: each run's start is directly followed by its own end
                assertEquals(4, log.size(), log.toString());
                for (int i = 0; i < 4; i += 2) {
                    assertTrue(log.get(i).startsWith("execution_start "), log.toString());
                    assertEquals(log.get(i).substring("execution_start ".length()), log.get(i + 1).substring("execution_success ".length()));
                }
                BufferedImage ia = ImageIO.read(ra.images().get(0).path().toFile());
                BufferedImage ib = ImageIO.read(rb.images().get(0).path().toFile());
                assertTrue(fraction(ia, 0xc03030) > 0.05, "red in A");
                assertTrue(fraction(ib, 0x30a040) > 0.02, "green in B");
            } finally {
                pool.shutdownNow();
            }
            // the same prompt again: everything comes from the cache kept between calls
            RunResult cached = easel.run(textToImage(), Map.of("3.seed", "1", "6.text", "a red circle"), null);
            assertTrue(cached.success());
            assertEquals(List.of(), cached.execution().executed());
        }
    }

    @Test
    void closedEaselRefusesToRun() throws Exception {
        Easel easel = Easel.builder().home(dir).prepare(false).build();
        easel.close();
        Validation v = easel.validate(WORKFLOWS.resolve("basic-math.json"), Map.of());
        assertThrows(IllegalStateException.class, () -> easel.run(v, "id", null, null));
        assertThrows(IllegalArgumentException.class, () -> Easel.builder().device("tpu"));
    }

    /** An Easel over the demo models shared by this class, with folders under the test's directory. */
    private Easel small() {
        return Easel.builder().home(dir).models(sharedModels).device("cpu").build();
    }

    /** text-to-image at 256×256 with 8 steps, to keep the tests quick. */
    private static ObjectNode textToImage() throws Exception {
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree(WORKFLOWS.resolve("text-to-image.json").toFile());
        ((ObjectNode) wf.get("5").get("inputs")).put("width", 256).put("height", 256);
        ((ObjectNode) wf.get("3").get("inputs")).put("steps", 8);
        return wf;
    }

    /** Fraction of pixels within a distance of 90 (per-channel sum) of an RGB colour. */
    static double fraction(BufferedImage img, int rgb) {
        int r0 = rgb >> 16 & 255, g0 = rgb >> 8 & 255, b0 = rgb & 255;
        int hit = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int d = Math.abs((p >> 16 & 255) - r0) + Math.abs((p >> 8 & 255) - g0) + Math.abs((p & 255) - b0);
                if (d < 90) hit++;
            }
        }
        return (double) hit / (img.getWidth() * img.getHeight());
    }
}
