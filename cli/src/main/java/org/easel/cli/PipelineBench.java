package org.easel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.easel.nodes.Setup;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.demo.SampleImage;
import org.easel.nodes.image.ImageConvert;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sampling.SamplingRun;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.upscale.ImageUpscaleWithModel;
import org.easel.nodes.upscale.UpscaleModel;

/** The pipeline benchmarks of {@code easel bench t2i|upscale}. */
final class PipelineBench {
    private PipelineBench() {}

    static int textToImage(int iterations) throws Exception {
        Environment env = Environment.under(Files.createTempDirectory("easel-bench"), "cpu");
        Setup.prepare(env, null);
        Path wfFile = CommonOptions.home().resolve("workflows/text-to-image.json");
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree(wfFile.toFile());
        NodeRegistry registry = NodeRegistry.load();
        Executor executor = new Executor(env, new OutputCache(1L << 30));
        double[] total = new double[iterations + 1];
        double[] sampling = new double[iterations + 1];
        double[] outside = new double[iterations + 1];
        int calls = 0;
        for (int i = 0; i <= iterations; i++) {
            ((ObjectNode) wf.get("3").get("inputs")).put("seed", 1000 + i);     // a new seed: the sampler re-runs
            Prompt p = Prompt.of(wf);
            ValidationResult v = new Validator(registry, env).validate(p);
            long t0 = System.nanoTime();
            ExecutionResult r = executor.execute(p, v, UUID.randomUUID().toString(), null, ExecutionListener.NONE);
            total[i] = (System.nanoTime() - t0) / 1e6;
            if (!r.success()) throw new IllegalStateException(r.errorMessage());
            SamplingRun.Timing t = SamplingRun.lastTiming();
            sampling[i] = t.totalNanos() / 1e6;
            outside[i] = (t.totalNanos() - t.runNanos()) / 1e6;
            calls = t.modelCalls();
        }
        System.out.printf("text-to-image 512×512, euler/sgm_uniform 20 steps, cfg 4.5, demo model, %d cores%n",
                Runtime.getRuntime().availableProcessors());
        System.out.printf("first execution (sessions load)   : %.0f ms%n", total[0]);
        double[] t = Arrays.copyOfRange(total, 1, total.length);
        double[] s = Arrays.copyOfRange(sampling, 1, sampling.length);
        double[] o = Arrays.copyOfRange(outside, 1, outside.length);
        System.out.printf("warm execution (new seed), median : %.0f ms over %d runs%n", median(t), iterations);
        System.out.printf("KSampler, median                  : %.0f ms, %d transformer calls (cond+uncond batched)%n", median(s), calls);
        System.out.printf("sampling time outside session.run : %.1f ms = %.1f%% of sampling%n", median(o), 100 * median(o) / median(s));
        System.out.printf("peak RSS %d MB, peak heap %d MB%n", rssPeakMb(), peakHeapMb());
        return 0;
    }

    static int upscale() throws Exception {
        Environment env = Environment.under(Files.createTempDirectory("easel-bench"), "cpu");
        Setup.prepare(env, null);
        FloatTensor img = ImageConvert.fromBufferedImage(SampleImage.render(1024, 1024));
        UpscaleModel m = new UpscaleModel(env.modelsDir().resolve(DemoModels.UPSCALER), 2);
        OnnxRuntime rt = OnnxRuntime.of(env);
        ImageUpscaleWithModel.upscale(null, rt, m, ImageConvert.fromBufferedImage(SampleImage.render(64, 64)), 512);   // load
        System.out.println("model upscale 1024×1024 → 2048×2048 (demo ×2 upscaler)");
        for (int tile : new int[]{512, 4096}) {
            System.gc();
            resetPeaks();
            long t0 = System.nanoTime();
            FloatTensor out = ImageUpscaleWithModel.upscale(null, rt, m, img, tile);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%-8s tile %4d: %5d ms, peak heap %4d MB, process peak RSS so far %5d MB (%d×%d)%n",
                    tile >= 2048 ? "untiled" : "tiled", tile, ms, peakHeapMb(), rssPeakMb(), out.dim(2), out.dim(1));
        }
        return 0;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    }

    private static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum >> 20;
    }

    /** VmHWM from /proc/self/status (Linux), or −1. */
    private static long rssPeakMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }
}
