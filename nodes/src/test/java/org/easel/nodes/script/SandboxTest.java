package org.easel.nodes.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.easel.nodes.image.ToolboxHarness;
import org.easel.nodes.image.ToolboxHarness.Graph;
import org.easel.nodes.image.ToolboxHarness.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sandbox rule, attacked by a script, holds; and the engine keeps working afterwards. */
class SandboxTest {
    @TempDir
    Path tmp;

    private static Object js(ScriptHarness s, String code) {
        Graph g = s.h.graph();
        g.capture(g.node("JavaScript", "code", code));
        return g.run().values().iterator().next();
    }

    private static String jsFails(ScriptHarness s, String code) {
        Graph g = s.h.graph();
        g.capture(g.node("JavaScript", "code", code));
        return g.runFailing("JavaScript");
    }

    @Test
    void noJavaNoPolyglotNoHostGlobals() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            assertEquals("undefined undefined undefined undefined undefined",
                    js(s, "return [typeof Java, typeof Packages, typeof java, typeof Polyglot, typeof Graal].join(' ');"));
            assertTrue(jsFails(s, "return Java.type('java.lang.Runtime').getRuntime().exec('id');").contains("ReferenceError: Java is not defined"));
            assertTrue(jsFails(s, "return Polyglot.eval('python', '1');").contains("ReferenceError: Polyglot is not defined"));
            // the image buffer a script gets is a host object: nothing but its bytes is reachable
            Graph g = s.h.graph();
            g.capture(g.node("JavaScript", "code", """
                    const b = a.data.buffer;
                    return [typeof b.getClass, typeof b.array, typeof b.order, Object.keys(b).length, a.data.constructor.constructor('return typeof Java')()].join(' ');""",
                    "a", g.image(ToolboxHarness.filled(0.5f, 1, 2, 2, 3))));
            assertEquals("undefined undefined undefined 0 undefined", g.run().values().iterator().next());
        }
    }

    @Test
    void noFilesNoNetworkNoProcessNoThreadsNoEnvironment() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            assertEquals("undefined undefined undefined undefined undefined undefined undefined undefined",
                    js(s, "return [typeof load, typeof require, typeof process, typeof fetch, typeof XMLHttpRequest, "
                            + "typeof WebSocket, typeof Worker, typeof setTimeout].join(' ');"));
            String m = jsFails(s, "return load('/etc/passwd');");
            assertTrue(m.contains("load is not defined"), m);
        }
    }

    @Test
    void importsOnlyFromTheScriptsOwnFolder() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            Files.createDirectories(s.folder);
            Files.writeString(s.folder.resolve("_helper.mjs"), "export const twice = (x) => 2 * x;\n");
            Files.writeString(tmp.resolve("outside.mjs"), "export const secret = 42;\n");
            s.script("uses.mjs", "import { twice } from './_helper.mjs';\n"
                    + ScriptHarness.node("UsesHelper", "{}", "[\"INT\"]", "return twice(21);"));
            s.script("escapes.mjs", "import { secret } from '../outside.mjs';\n"
                    + ScriptHarness.node("Escapes", "{}", "[\"INT\"]", "return secret;"));
            s.script("absolute.mjs", "import x from '/etc/passwd';\n"
                    + ScriptHarness.node("Absolute", "{}", "[\"INT\"]", "return 1;"));
            Files.createSymbolicLink(s.folder.resolve("_link.mjs"), tmp.resolve("outside.mjs"));
            s.script("symlink.mjs", "import { secret } from './_link.mjs';\n"
                    + ScriptHarness.node("Symlink", "{}", "[\"INT\"]", "return secret;"));
            Graph g = s.h.graph();
            g.capture(g.node("UsesHelper"));
            assertEquals(42L, g.runOne(Long.class), "a helper beside the script is importable");
            for (String f : new String[]{"escapes.mjs", "absolute.mjs", "symlink.mjs"}) {
                assertNotNull(s.h.registry.get(f), f + " failed to load");
                String why = s.custom.failures().get(s.folder.resolve(f).toString());
                assertTrue(why != null && why.contains("denied"), f + ": " + why);
            }
            assertNull(s.h.registry.get("Escapes"));
            // inline code has no file system at all
            String m = jsFails(s, "return import('/etc/passwd');");
            assertTrue(m.contains("script JavaScript code"), m);
        }
    }

    @Test
    void anEndlessLoopIsStoppedByTheTimeBudget() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp, ScriptLimits.defaults().withTimeBudget(Duration.ofSeconds(1)))) {
            long t0 = System.nanoTime();
            String m = jsFails(s, "for (;;) {}");
            double took = (System.nanoTime() - t0) / 1e9;
            assertEquals("script JavaScript code: stopped after the time budget of 1 s (an endless loop?)", m);
            assertTrue(took < 10, "stopped promptly: " + took);
            assertEquals(3L, js(s, "return 1 + 2;"), "the next call works");
        }
    }

    @Test
    void theStatementLimitHolds() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp, ScriptLimits.defaults().withStatementLimit(10_000))) {
            String m = jsFails(s, "let n = 0; for (let i = 0; i < 1e7; i++) n += i; return n;");
            assertTrue(m.contains("limit of 10000 statements per call"), m);
            assertEquals(4950L, js(s, "let n = 0; for (let i = 0; i < 100; i++) n += i; return n;"), "limits reset per call");
        }
    }

    @Test
    void aTenGigabyteAllocationFailsCleanly() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp)) {
            String m = jsFails(s, "const b = new ArrayBuffer(10 * 2 ** 30); return b.byteLength;");
            assertTrue(m.contains("RangeError"), m);
            m = jsFails(s, "return new Float32Array(2.7e9).length;");
            assertTrue(m.contains("RangeError"), m);
            m = jsFails(s, "return 'x'.repeat(10 * 2 ** 30).length;");
            assertTrue(m.contains("RangeError"), m);
            m = jsFails(s, "return new Array(2.7e9).fill(1.5).length;");
            assertTrue(m.startsWith("script JavaScript code: stopped"), m);
            byte[] ok = new byte[64 << 20];
            assertEquals(64 << 20, ok.length, "the JVM is fine");
            assertEquals(3L, js(s, "return 1 + 2;"));
        }
    }

    @Test
    void aScriptThatFillsTheHeapIsStoppedAndTheJvmCarriesOn() throws Exception {
        System.gc();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : Runtime.getRuntime().maxMemory();
        double fraction = Math.min(0.9, (heap.getUsed() + (768L << 20)) / (double) max);
        ScriptLimits limits = ScriptLimits.defaults().withTimeBudget(Duration.ofSeconds(30)).withHeapFraction(fraction);
        try (ScriptHarness s = new ScriptHarness(tmp, limits)) {
            String m = jsFails(s, "const keep = []; for (;;) keep.push(new Float64Array(1 << 22));");
            assertTrue(m.contains("the Java heap is") || m.contains("ran out of resources"), m);
            assertEquals(3L, js(s, "return 1 + 2;"), "scripts still run");
        }
    }

    @Test
    void outputsOverTheSizeLimitAreRefused() throws Exception {
        try (ScriptHarness s = new ScriptHarness(tmp, ScriptLimits.defaults().withMaxOutputBytes(1 << 20))) {
            Graph g = s.h.graph();
            Ref r = g.node("JavaScript", "code", "return { batch: 1, height: 512, width: 512, channels: 3, data: new Float32Array(512 * 512 * 3) };");
            g.capture(r);
            String m = g.runFailing("JavaScript");
            assertTrue(m.contains("is 3 MB, over the output limit of 1 MB"), m);
            m = jsFails(s, "return 'x'.repeat(1 << 20);");
            assertTrue(m.contains("over the output limit"), m);
        }
    }
}
