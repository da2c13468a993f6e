package org.easel.nodes.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.nodes.image.ToolboxHarness;
import org.easel.nodes.image.ToolboxHarness.Graph;
import org.easel.nodes.image.ToolboxHarness.Ref;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.engine.Json;

/** Script nodes through the real engine: schema, value mapping, caching, errors, reloads, concurrency. */
class ScriptNodesTest {
    @TempDir
    Path tmp;

    static final String INVERT = """
            export default {
              name: "InvertColors", display_name: "Invert colors", category: "image/script",
              description: "1 - x, blended by amount",
              inputs: {
                required: { image: ["IMAGE"], amount: ["FLOAT", { default: 1.0, min: 0, max: 1, step: 0.01 }] },
                optional: { times: ["INT", { default: 1, min: 1, max: 4 }], mode: [["fast", "exact"]] }
              },
              outputs: ["IMAGE", "INT"], output_names: ["image", "pixels"],
              execute({ image, amount }) {
                const out = new Float32Array(image.data.length);
                for (let i = 0; i < out.length; i++) out[i] = image.data[i] + amount * (1 - 2 * image.data[i]);
                return [{ ...image, data: out }, image.width * image.height];
              }
            };
            """;

    @Test
    void schemaAppearsInObjectInfo() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            s.script("invert.mjs", INVERT);
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) s.h.registry.objectInfo(s.h.env).get("InvertColors");
            assertNotNull(info);
            assertEquals("Invert colors", info.get("display_name"));
            assertEquals("image/script", info.get("category"));
            assertEquals(List.of("IMAGE", "INT"), info.get("output"));
            assertEquals(List.of("image", "pixels"), info.get("output_name"));
            assertEquals("custom_nodes.invert.mjs", info.get("python_module"));
            String json = Json.write(info.get("input"));
            assertTrue(json.contains("\"amount\":[\"FLOAT\",{\"default\":1.0,\"min\":0.0,\"max\":1.0,\"step\":0.01}]"), json);
            assertTrue(json.contains("\"times\":[\"INT\",{\"default\":1,\"min\":1,\"max\":4}]"), json);
            assertTrue(json.contains("\"mode\":[[\"fast\",\"exact\"]"), json);
            // validation uses the declared range like any built-in node
            Graph g = s.h.graph();
            g.capture(g.node("InvertColors", "image", g.image(ToolboxHarness.filled(0.25f, 1, 2, 2, 3)), "amount", 2.0));
            assertEquals("value_bigger_than_max", g.invalid("InvertColors", "amount"));
        }
    }

    @Test
    void imagesMasksLatentsAndPrimitivesRoundTrip() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            s.script("invert.mjs", INVERT);
            s.script("echo.mjs", """
                    export default [
                      { name: "EchoMask", inputs: { required: { mask: ["MASK"] } }, outputs: ["MASK"],
                        execute({ mask }) { mask.data[0] = 0.5; return mask; } },
                      { name: "EchoLatent", inputs: { required: { latent: ["LATENT"] } }, outputs: ["LATENT", "STRING"],
                        execute({ latent }) { return [latent, latent.samples.shape.join("x")]; } },
                      { name: "Prims", inputs: { required: { i: ["INT"], f: ["FLOAT"], s: ["STRING"], b: ["BOOLEAN"] } },
                        outputs: ["INT", "FLOAT", "STRING", "BOOLEAN"],
                        execute({ i, f, s, b }) { return [i * 2, f / 2, s + "!", !b]; } }
                    ];
                    """);
            float[] px = {0f, 0.25f, 0.5f, 1f, 0.1f, 0.2f};
            FloatTensor img = FloatTensor.of(px, 1, 1, 2, 3);
            Graph g = s.h.graph();
            Ref inv = g.node("InvertColors", "image", g.image(img), "amount", 1.0);
            g.capture(inv);
            g.capture(new Ref(inv.id(), 1));
            FloatTensor mask = ToolboxHarness.filled(1f, 1, 2, 2);
            g.capture(g.node("EchoMask", "mask", g.mask(mask)));
            Latent lat = new Latent(ToolboxHarness.filled(0.3f, 1, 16, 2, 2));
            String el = g.add("EchoLatent", "latent", g.latent(lat));
            g.capture(new Ref(el, 0));
            g.capture(new Ref(el, 1));
            String p = g.add("Prims", "i", 21, "f", 1.5, "s", "hi", "b", true);
            for (int k = 0; k < 4; k++) g.capture(new Ref(p, k));
            List<Object> out = new ArrayList<>(g.run().values());
            FloatTensor inverted = (FloatTensor) out.get(0);
            assertArrayEquals(new int[]{1, 1, 2, 3}, inverted.shape());
            float[] want = new float[px.length];
            for (int i = 0; i < px.length; i++) want[i] = 1 - px[i];
            assertArrayEquals(want, inverted.toArray(), 1e-6f);
            assertEquals(2L, out.get(1));
            FloatTensor m = (FloatTensor) out.get(2);
            assertArrayEquals(new int[]{1, 2, 2}, m.shape());
            assertArrayEquals(new float[]{0.5f, 1, 1, 1}, m.toArray());
            assertEquals(1f, mask.get(0), "the script changed its own copy, not the cached input");
            Latent l2 = (Latent) out.get(3);
            assertArrayEquals(lat.samples().toArray(), l2.samples().toArray());
            assertArrayEquals(new int[]{1, 16, 2, 2}, l2.samples().shape());
            assertEquals("1x16x2x2", out.get(4));
            assertEquals(List.of(42L, 0.75, "hi!", false), out.subList(5, 9));
        }
    }

    @Test
    void otherTypesPassThroughAsOpaqueHandles() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            record Handle(String secret) {}
            Handle handle = new Handle("x");
            Graph g = s.h.graph();
            Ref js = g.node("JavaScript", "code", """
                    if (Object.keys(a).length !== 0 || a.secret !== undefined || typeof a.getClass !== "undefined") throw new Error("looked inside");
                    return a;""", "a", g.latent(handle));
            g.capture(js);
            assertSame(handle, g.runOne(Handle.class));
        }
    }

    @Test
    void javaScriptNodeComputesSeedsAndStrings() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            Graph g = s.h.graph();
            Ref seed = g.node("PrimitiveInt", "value", 20);
            Ref text = g.node("PrimitiveString", "value", "a red circle");
            g.capture(g.node("JavaScript", "code", "return a * 2 + 1;", "a", seed));
            g.capture(g.node("JavaScript", "code", "return `${b}, seed ${a}`;", "a", seed, "b", text));
            g.capture(g.node("JavaScript", "code", "return a / 8;", "a", seed));
            assertEquals(List.of(41L, "a red circle, seed 20", 2.5), new ArrayList<>(g.run().values()));
        }
    }

    @Test
    void editingAScriptReRunsItsNodeAndUnchangedInputsAreCached() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            s.script("add.mjs", ScriptHarness.node("AddSome", "{ required: { x: [\"INT\"] } }", "[\"INT\"]", "return args.x + 1;"));
            Graph g = s.h.graph();
            String id = g.add("AddSome", "x", 1);
            g.capture(new Ref(id, 0));
            assertEquals(2L, g.run().values().iterator().next());
            ExecutionResult again = g.execute();
            assertTrue(again.cached().contains(id), "unchanged script and inputs: cached");
            s.script("add.mjs", ScriptHarness.node("AddSome", "{ required: { x: [\"INT\"] } }", "[\"INT\"]", "return args.x + 100;"));
            ExecutionResult edited = g.execute();
            assertTrue(edited.success(), edited::errorMessage);
            assertTrue(edited.executed().contains(id), "edited script: re-run");
            assertEquals(101L, g.run().values().iterator().next());
            // inline code is a widget: a different code is a different key
            Graph j = s.h.graph();
            String a = j.add("JavaScript", "code", "return 1;");
            j.capture(new Ref(a, 0));
            assertEquals(1L, j.run().values().iterator().next());
        }
    }

    @Test
    void reloadAddsReplacesAndRemovesNodesAndListsBrokenFiles() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            s.script("a.mjs", ScriptHarness.node("NodeA", "{}", "[\"INT\"]", "return 1;"));
            s.script("broken.mjs", "export default { name: \"Broken\", execute( {\n");
            assertNotNull(s.h.registry.get("NodeA"), "a broken file does not stop the others");
            assertNull(s.h.registry.get("Broken"));
            var failed = s.h.registry.get("broken.mjs");
            assertNotNull(failed, "listed as failed to load");
            assertEquals("script/failed to load", failed.schema().category());
            assertTrue(failed.schema().description().contains("broken.mjs:2"), failed.schema().description());
            assertTrue(s.custom.failures().values().iterator().next().contains("SyntaxError"), s.custom.failures().toString());
            Graph g = s.h.graph();
            g.add("broken.mjs");
            ValidationResult v = g.validate();
            assertFalse(v.ok());
            // a script may not take a built-in node's name, nor another script's
            s.script("clash.mjs", ScriptHarness.node("KSampler", "{}", "[\"INT\"]", "return 1;"));
            assertTrue(s.h.registry.get("KSampler").getClass().getName().endsWith("KSampler"));
            assertTrue(s.custom.failures().toString().contains("built-in"), s.custom.failures().toString());
            s.script("twin.mjs", ScriptHarness.node("NodeA", "{}", "[\"INT\"]", "return 2;"));
            assertTrue(s.custom.failures().toString().contains("already defined by a.mjs"), s.custom.failures().toString());
            // rename inside a file: the old name goes, the new one comes
            s.script("a.mjs", ScriptHarness.node("NodeB", "{}", "[\"INT\"]", "return 1;"));
            assertNull(s.h.registry.get("NodeA"));
            assertNotNull(s.h.registry.get("NodeB"));
            Files.delete(s.folder.resolve("a.mjs"));
            s.custom.reload();
            assertNull(s.h.registry.get("NodeB"));
            Files.writeString(s.folder.resolve("broken.mjs"), ScriptHarness.node("Fixed", "{}", "[\"INT\"]", "return 3;"));
            s.custom.reload();
            assertNull(s.h.registry.get("broken.mjs"));
            assertNotNull(s.h.registry.get("Fixed"));
        }
    }

    @Test
    void scriptErrorsNameTheScriptLineAndOutput() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            String img = "{ required: { image: [\"IMAGE\"] } }";
            s.script("throws.mjs", ScriptHarness.node("Throws", img, "[\"IMAGE\"]", "    const x = 1;\n    throw new Error(\"no luck\");"));
            s.script("nan.mjs", ScriptHarness.node("NaNs", img, "[\"IMAGE\"]", "return { ...args.image, data: new Float32Array(args.image.data.length).fill(NaN) };"));
            s.script("small.mjs", ScriptHarness.node("Small", img, "[\"IMAGE\"]", "return { ...args.image, data: new Float32Array(5) };"));
            s.script("wrongtype.mjs", ScriptHarness.node("WrongType", img, "[\"IMAGE\", \"INT\"]", "return [\"a string\", 1.5];"));
            s.script("count.mjs", ScriptHarness.node("Count", img, "[\"IMAGE\", \"INT\"]", "return [args.image];"));
            FloatTensor t = ToolboxHarness.filled(0.5f, 1, 4, 4, 3);
            assertEquals("script throws.mjs:7: Error: no luck", fail(s, "Throws", t));
            assertTrue(fail(s, "NaNs", t).contains("nan.mjs: output 0 'IMAGE' (IMAGE): data[0] is NaN"), fail(s, "NaNs", t));
            assertTrue(fail(s, "Small", t).contains("data has 5 values but 1×4×4×3 needs 48"), fail(s, "Small", t));
            assertTrue(fail(s, "WrongType", t).contains("output 0 'IMAGE' (IMAGE) must be an IMAGE"), fail(s, "WrongType", t));
            assertTrue(fail(s, "Count", t).contains("returned 1 outputs but the node declares 2"), fail(s, "Count", t));
            Graph g = s.h.graph();
            g.capture(g.node("JavaScript", "code", "return a.b.c;"));
            String m = g.runFailing("JavaScript");
            assertTrue(m.startsWith("script JavaScript code:1: TypeError"), m);
            Graph syntax = s.h.graph();
            syntax.capture(syntax.node("JavaScript", "code", "let x = ;\nreturn 1;"));
            assertTrue(syntax.runFailing("JavaScript").contains("JavaScript code:1: SyntaxError"), "syntax error reported");
        }
    }

    private static String fail(ScriptHarness s, String type, FloatTensor t) {
        Graph g = s.h.graph();
        g.capture(g.node(type, "image", g.image(t)));
        return g.runFailing(type);
    }

    @Test
    void theSameScriptNodeRunsInTwoPromptsAtOnce() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            s.script("slow.mjs", ScriptHarness.node("Slow", "{ required: { x: [\"INT\"] } }", "[\"INT\"]", """
                    const until = Date.now() + 300;
                    let n = 0;
                    while (Date.now() < until) n++;
                    return args.x * 10;"""));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<ExecutionResult>> runs = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int k = 1; k <= 2; k++) {
                    String json = "{\"1\":{\"class_type\":\"Slow\",\"inputs\":{\"x\":" + k + "}},"
                            + "\"2\":{\"class_type\":\"PreviewAny\",\"inputs\":{\"source\":[\"1\",0]}}}";
                    Executor ex = new Executor(s.h.env, new OutputCache(1 << 20));
                    Callable<ExecutionResult> c = () -> {
                        Prompt p = Prompt.parse(json);
                        ValidationResult v = s.h.validator.validate(p);
                        return ex.execute(p, v, "p" + json.hashCode(), null, null);
                    };
                    runs.add(pool.submit(c));
                }
                for (int k = 0; k < 2; k++) {
                    ExecutionResult r = runs.get(k).get();
                    assertTrue(r.success(), r::errorMessage);
                    assertTrue(r.outputs().get("2").toString().contains(String.valueOf((k + 1) * 10)), r.outputs().toString());
                }
                assertTrue((System.nanoTime() - t0) / 1e6 < 3000, "both finished");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void interruptingTheRunStopsALoopingScript() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp, ScriptLimits.defaults())) {
            s.script("loop.mjs", ScriptHarness.node("Loop", "{}", "[\"INT\"]", "for (;;) {}"));
            Graph g = s.h.graph();
            g.capture(g.node("Loop"));
            Thread stopper = new Thread(() -> {
                try {
                    while (s.h.executor.runningPromptId() == null) Thread.sleep(10);
                    Thread.sleep(200);
                } catch (InterruptedException ignored) {
                    return;
                }
                s.h.executor.interrupt();
            });
            stopper.start();
            long t0 = System.nanoTime();
            ExecutionResult r = g.execute();
            assertTrue(r.interrupted(), () -> "interrupted, not " + r.errorMessage());
            assertTrue((System.nanoTime() - t0) / 1e9 < 30, "stopped well before the 60 s budget");
        }
    }
}
