package org.easel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.MmditBlocks;
import ai.onnxruntime.OrtEnvironment;
import java.util.Arrays;

/**
 * {@code easel bench sd3-block}: what SD 3.5 Medium's transformer costs on this machine. Runs real-size MMDiT-X
 * joint blocks (random weights) and, in the same process, a plain large MatMul, and reports time per block, the
 * estimated time of a 24-block step and of 28 steps with CFG (scaled by FLOPs from the measured blocks), the
 * achieved GFLOP/s, the MatMul's GFLOP/s, their ratio and the peak memory of the process.
 */
final class Sd3BlockBench {
    private Sd3BlockBench() {}

    static final int STEPS = 28;

    static int run(String device, int blocks, int imageTokens, int textTokens, int batch, int warmup, int iterations) throws Exception {
        Path dir = Files.createTempDirectory("easel-sd3-block");
        try {
            MmditBlocks.Spec spec = new MmditBlocks.Spec(blocks, imageTokens, textTokens, batch);
            long t0 = System.nanoTime();
            MmditBlocks.Built built = MmditBlocks.write(dir, spec, 42);
            Path gemm = MmditBlocks.writeMatMul(dir, MmditBlocks.HIDDEN, MmditBlocks.MLP_RATIO * MmditBlocks.HIDDEN, 43);
            System.out.printf("sd3-block: %d MMDiT-X joint block(s) of SD 3.5 Medium (%d with dual attention), hidden %d, %d heads, "
                            + "%d image + %d text tokens, batch %d, float32; %.1f M parameters (%.0f MB), built in %.1f s%n",
                    blocks, spec.dualBlocks(), MmditBlocks.HIDDEN, MmditBlocks.HEADS, imageTokens, textTokens, batch,
                    built.parameters() / 1e6, built.weightBytes() / 1e6, (System.nanoTime() - t0) / 1e9);

            try (OnnxRuntime rt = new OnnxRuntime(device, null, Long.MAX_VALUE)) {
                System.out.printf("device %s, %d cores, ONNX Runtime %s, %d warm-up + %d timed iterations%n", rt.device(),
                        Runtime.getRuntime().availableProcessors(), OrtEnvironment.getEnvironment().getVersion(),
                        warmup, iterations);
                Random r = new Random(7);
                Map<String, ModelSession.Input> in = new LinkedHashMap<>();
                in.put("hidden_states", ModelSession.Input.of(gaussian(r, batch * imageTokens * MmditBlocks.HIDDEN), batch, imageTokens,
                        MmditBlocks.HIDDEN));
                in.put("encoder_hidden_states", ModelSession.Input.of(gaussian(r, batch * textTokens * MmditBlocks.HIDDEN), batch,
                        textTokens, MmditBlocks.HIDDEN));
                in.put("temb", ModelSession.Input.of(gaussian(r, batch * MmditBlocks.HIDDEN), batch, MmditBlocks.HIDDEN));
                double blockSeconds = time(rt, built.model(), in, warmup, iterations, "out_hidden_states");
                double blockFlops = MmditBlocks.flops(spec);

                int m = batch * imageTokens;
                Map<String, ModelSession.Input> gin = Map.of("x", ModelSession.Input.of(gaussian(r, m * MmditBlocks.HIDDEN), m, MmditBlocks.HIDDEN));
                double gemmSeconds = time(rt, gemm, gin, warmup, iterations, "y");
                double gemmFlops = 2.0 * m * MmditBlocks.HIDDEN * MmditBlocks.MLP_RATIO * MmditBlocks.HIDDEN;

                double blockRate = blockFlops / blockSeconds;
                double gemmRate = gemmFlops / gemmSeconds;
                double step = MmditBlocks.fullModelFlops(imageTokens, textTokens, 1) / blockRate;
                double cfgStep = MmditBlocks.fullModelFlops(imageTokens, textTokens, 2) / blockRate;
                System.out.printf("blocks      : %.0f ms per run of %d block(s), %.0f ms per block, %.1f GFLOP per run, %.1f GFLOP/s%n",
                        blockSeconds * 1e3, blocks, blockSeconds * 1e3 / blocks, blockFlops / 1e9, blockRate / 1e9);
                System.out.printf("MatMul      : [%d×%d]·[%d×%d] %.0f ms, %.1f GFLOP, %.1f GFLOP/s%n", m, MmditBlocks.HIDDEN,
                        MmditBlocks.HIDDEN, MmditBlocks.MLP_RATIO * MmditBlocks.HIDDEN, gemmSeconds * 1e3, gemmFlops / 1e9, gemmRate / 1e9);
                System.out.printf("ratio       : blocks reach %.0f%% of the MatMul throughput%n", 100 * blockRate / gemmRate);
                System.out.printf("estimate    : one 24-block step (batch 1, %.2f TFLOP) %.1f s; with CFG (batch 2) %.1f s; "
                                + "%d steps with CFG %.1f min (at the blocks' GFLOP/s)%n",
                        MmditBlocks.fullModelFlops(imageTokens, textTokens, 1) / 1e12, step, cfgStep, STEPS, STEPS * cfgStep / 60);
                System.out.printf("peak memory : %s%n", peakMemory());
            }
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Median seconds per run inside ONNX Runtime, after the warm-up runs. */
    private static double time(OnnxRuntime rt, Path model, Map<String, ModelSession.Input> in, int warmup, int iterations, String out)
            throws Exception {
        try (OnnxRuntime.Lease lease = rt.acquire(model)) {
            ModelSession s = lease.session();
            for (int i = 0; i < warmup; i++) s.run(in, out);
            double[] t = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long before = s.nanosInRun();
                s.run(in, out);
                t[i] = (s.nanosInRun() - before) / 1e9;
            }
            Arrays.sort(t);
            return iterations % 2 == 1 ? t[iterations / 2] : (t[iterations / 2 - 1] + t[iterations / 2]) / 2;
        } finally {
            rt.unloadAll();
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    /** The process's peak resident memory (Linux VmHWM), else the JVM heap in use. */
    static String peakMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.0f MB resident (process peak, VmHWM; GPU memory not included)", kb / 1024.0);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        Runtime rt = Runtime.getRuntime();
        return String.format("%.0f MB Java heap in use (peak resident memory unavailable here)", (rt.totalMemory() - rt.freeMemory()) / 1e6);
    }
}
