package org.easel.nodes.script;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.nodes.types.FloatTensor;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * Figures for script nodes: the cold start (engine, first context, first call), the steady-state latency
 * of a call on a pooled context, the cost of a fresh context (a pool miss), and the IMAGE mapping: the
 * buffer-backed Float32Array against an element-by-element copy through a proxy array.
 */
public final class ScriptBench {
    private ScriptBench() {}

    private static final String ADD = "export default { name: \"Add\", inputs: { required: { x: [\"INT\"] } }, outputs: [\"INT\"],"
            + " execute({ x }) { return x + 1; } };";
    private static final String INVERT = "export default { name: \"Invert\", inputs: { required: { image: [\"IMAGE\"] } },"
            + " outputs: [\"IMAGE\"], execute({ image }) { const d = image.data;"
            + " for (let i = 0; i < d.length; i++) d[i] = 1 - d[i]; return image; } };";
    private static final String SAME = "export default { name: \"Same\", inputs: { required: { image: [\"IMAGE\"] } },"
            + " outputs: [\"IMAGE\"], execute({ image }) { return image; } };";

    public static void run(PrintStream out, int iterations) {
        int n = Math.max(5, iterations);
        out.printf("script nodes: GraalJS %s, %s, Java %s (%s), %d cores%n", graalVersion(),
                "interpreter" + (System.getProperty("java.vm.name", "").contains("Graal") ? "/Graal JIT" : " only (no Graal JIT on this JVM)"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        try (ScriptSandbox sandbox = new ScriptSandbox(ScriptLimits.defaults(), out)) {
            long t1 = System.nanoTime();
            ScriptFile add = ScriptFile.of("add.mjs", ADD, sandbox);
            long t2 = System.nanoTime();
            NodeInputs xs = new NodeInputs("1", "Add", Map.of("x", 41L));
            NodeOutput first = add.call(0, null, xs);
            long t3 = System.nanoTime();
            if (!Long.valueOf(42).equals(first.values().get(0))) throw new IllegalStateException("bad result " + first.values());
            out.printf("cold start : engine %.0f ms, first context + module %.0f ms, first call %.1f ms%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);

            double[] call = time(n * 10, () -> add.call(0, null, xs));
            out.printf("steady call: median %.3f ms, p90 %.3f ms (pooled context, INT in/out, %d calls)%n", call[0], call[1], n * 10);

            double[] fresh = time(n, () -> {
                ScriptFile f = ScriptFile.of("add.mjs", ADD, sandbox);
                f.call(0, null, xs);
                f.close();
            });
            out.printf("new context: median %.2f ms, p90 %.2f ms (a pool miss: context + module + call, code cached by the engine)%n",
                    fresh[0], fresh[1]);

            ScriptFile same = ScriptFile.of("same.mjs", SAME, sandbox);
            for (int side : new int[]{512, 1024}) {
                FloatTensor img = FloatTensor.zeros(1, side, side, 3);
                NodeInputs in = new NodeInputs("1", "Same", Map.of("image", img));
                double[] mapped = time(n, () -> same.call(0, null, in));
                double[] copied = copyMapping(sandbox, img, Math.max(2, n / 5));
                out.printf("IMAGE %4d×%-4d: buffer-backed Float32Array in+out %.2f ms (median) | element-by-element copy %.0f ms → %.0f× faster%n",
                        side, side, mapped[0], copied[0], copied[0] / mapped[0]);
            }
            ScriptFile invert = ScriptFile.of("invert.mjs", INVERT, sandbox);
            FloatTensor img = FloatTensor.zeros(1, 512, 512, 3);
            NodeInputs in = new NodeInputs("1", "Invert", Map.of("image", img));
            double[] loop = time(Math.max(3, n / 4), () -> invert.call(0, null, in));
            out.printf("per-pixel JS loop (1 - x over 512×512×3): median %.0f ms, %.1f ns per value%n",
                    loop[0], loop[0] * 1e6 / img.size());
            invert.close();
            same.close();
            add.close();
        }
    }

    /** The same round trip done per element: a proxy array in, Float32Array.from, element reads out. */
    private static double[] copyMapping(ScriptSandbox sandbox, FloatTensor img, int iterations) {
        Context ctx = sandbox.newContext(null, "bench");
        try {
            Value fn = ctx.eval("js", "(p) => Float32Array.from(p)");
            float[] src = img.toArray();
            ProxyArray proxy = new ProxyArray() {
                @Override public Object get(long index) { return src[(int) index]; }
                @Override public void set(long index, Value value) { throw new UnsupportedOperationException(); }
                @Override public long getSize() { return src.length; }
            };
            return time(iterations, () -> {
                Value arr = fn.execute(proxy);
                float[] back = new float[src.length];
                for (int i = 0; i < back.length; i++) back[i] = arr.getArrayElement(i).asFloat();
            });
        } finally {
            ctx.close(true);
        }
    }

    /** {median, p90} in ms after one warm-up run. */
    private static double[] time(int iterations, Runnable r) {
        r.run();
        long[] t = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long a = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - a;
        }
        Arrays.sort(t);
        return new double[]{t[iterations / 2] / 1e6, t[Math.min(iterations - 1, iterations * 9 / 10)] / 1e6};
    }

    private static String graalVersion() {
        Package p = Context.class.getPackage();
        return p.getImplementationVersion() != null ? p.getImplementationVersion() : "25";
    }
}
