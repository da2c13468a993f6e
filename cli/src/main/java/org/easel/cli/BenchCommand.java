package org.easel.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.easel.engine.Environment;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.easel.nodes.script.ScriptBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code easel bench engine}: the engine's own overhead on a chain of trivial nodes (IntMath add), first
 * run (empty cache) and fully cached re-run, each including validation, keys and planning.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Benchmarks that print figures:",
                "  engine   engine overhead: a chain of trivial nodes, first run and fully cached re-run (default)",
                "  t2i      text-to-image on the demo model: time per run, share of sampling outside session.run, memory",
                "  upscale  2048×2048 model upscale: peak heap and memory, tiled vs untiled",
                "  script   script nodes: cold start, call latency, fresh context, IMAGE mapping vs an element copy",
                "  sd3-block  real-size SD 3.5 Medium MMDiT-X blocks (random weights): ms per block, estimated step and",
                "           28-step CFG time, GFLOP/s against a plain MatMul in the same run, peak memory"})
final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0", arity = "0..1", defaultValue = "engine", paramLabel = "WHAT",
            description = "engine, t2i, upscale, script or sd3-block (default: ${DEFAULT-VALUE}).")
    String what;

    @Option(names = "--nodes", defaultValue = "1000", description = "Chain length (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--iterations",
            description = "Measured iterations (default: 200; t2i uses at most 10; sd3-block 2).")
    Integer iterationsOption;

    @Option(names = "--warmup", description = "Warm-up iterations (default: 200; sd3-block 1).")
    Integer warmupOption;

    @Option(names = "--tokens", defaultValue = "4096",
            description = "sd3-block: image tokens, (size/16)² (default: ${DEFAULT-VALUE}, i.e. 1024×1024).")
    int tokens;

    @Option(names = "--text-tokens", defaultValue = "154",
            description = "sd3-block: text tokens (default: ${DEFAULT-VALUE} = 77 CLIP + 77 T5).")
    int textTokens;

    @Option(names = "--blocks", defaultValue = "2", description = "sd3-block: blocks in the graph (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--batch", defaultValue = "1", description = "sd3-block: batch size (default: ${DEFAULT-VALUE}; 2 = one CFG step).")
    int batch;

    @Option(names = "--device", defaultValue = "auto", description = "sd3-block: auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    int iterations;
    int warmup;

    @Override
    public Integer call() throws Exception {
        boolean block = what.equals("sd3-block");
        iterations = iterationsOption != null ? iterationsOption : block ? 2 : 200;
        warmup = warmupOption != null ? warmupOption : block ? 1 : 200;
        switch (what) {
            case "engine": return engine();
            case "t2i": return PipelineBench.textToImage(Math.max(1, Math.min(iterations, 10)));
            case "upscale": return PipelineBench.upscale();
            case "script":
                ScriptBench.run(System.out, Math.min(iterations, 50));
                return 0;
            case "sd3-block": {
                if (iterations < 1 || warmup < 0 || tokens < 1 || textTokens < 1 || blocks < 1 || batch < 1) {
                    System.err.println("error: --iterations, --tokens, --text-tokens, --blocks and --batch must be at least 1, --warmup at least 0");
                    return 2;
                }
                return Sd3BlockBench.run(device, blocks, tokens, textTokens, batch, warmup, iterations);
            }
            default:
                System.err.println("error: unknown benchmark '" + what + "' (engine, t2i, upscale, script, sd3-block)");
                return 2;
        }
    }

    private int engine() throws Exception {
        NodeRegistry registry = NodeRegistry.load();
        Environment env = Environment.under(Files.createTempDirectory("easel-bench"), "cpu");
        Prompt prompt = Prompt.of(chain(nodes));
        Validator validator = new Validator(registry, env);

        long[] first = new long[iterations];
        long[] cached = new long[iterations];
        for (int i = -warmup; i < iterations; i++) {
            Executor ex = new Executor(env, new OutputCache(1L << 30));
            long t0 = System.nanoTime();
            ExecutionResult r1 = run(ex, validator, prompt);
            long t1 = System.nanoTime();
            ExecutionResult r2 = run(ex, validator, prompt);
            long t2 = System.nanoTime();
            if (r1.executed().size() != nodes || !r2.executed().isEmpty()) {
                throw new IllegalStateException("unexpected: first run executed " + r1.executed().size()
                        + ", re-run executed " + r2.executed().size());
            }
            if (i >= 0) {
                first[i] = t1 - t0;
                cached[i] = t2 - t1;
            }
        }
        Arrays.sort(first);
        Arrays.sort(cached);
        System.out.printf("engine overhead, %d-node chain of IntMath, %d iterations after %d warm-up (%d cores, Java %s)%n",
                nodes, iterations, warmup, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("first run   : median %.3f ms (%.2f µs/node), p90 %.3f ms%n",
                first[iterations / 2] / 1e6, first[iterations / 2] / 1e3 / nodes, first[iterations * 9 / 10] / 1e6);
        System.out.printf("cached rerun: median %.3f ms (%.2f µs/node), p90 %.3f ms%n",
                cached[iterations / 2] / 1e6, cached[iterations / 2] / 1e3 / nodes, cached[iterations * 9 / 10] / 1e6);
        return 0;
    }

    private static ExecutionResult run(Executor ex, Validator validator, Prompt prompt) {
        ValidationResult v = validator.validate(prompt);
        if (!v.ok()) throw new IllegalStateException(String.join("\n", v.describe()));
        return ex.execute(prompt, v, UUID.randomUUID().toString(), null, ExecutionListener.NONE);
    }

    /** PrimitiveInt → (n−2) × IntMath add 1 → PreviewAny. */
    static ObjectNode chain(int n) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode p = f.objectNode();
        ObjectNode first = p.putObject("1");
        first.put("class_type", "PrimitiveInt");
        first.putObject("inputs").put("value", 0);
        for (int i = 2; i < n; i++) {
            ObjectNode node = p.putObject(Integer.toString(i));
            node.put("class_type", "IntMath");
            ObjectNode in = node.putObject("inputs");
            in.putArray("a").add(Integer.toString(i - 1)).add(0);
            in.put("b", 1);
            in.put("op", "add");
        }
        ObjectNode last = p.putObject(Integer.toString(n));
        last.put("class_type", "PreviewAny");
        last.putObject("inputs").putArray("source").add(Integer.toString(n - 1)).add(0);
        return p;
    }
}
