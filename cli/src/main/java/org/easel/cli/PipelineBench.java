package org.easel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.easel.Easel;
import org.easel.RunResult;
import org.easel.Validation;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeContext;
import org.easel.nodes.Setup;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.demo.SampleImage;
import org.easel.nodes.diffusion.Denoiser;
import org.easel.nodes.diffusion.Schedulers;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.SamplingRun;
import org.easel.nodes.sd3.Sd3Checkpoint;
import org.easel.nodes.sd3.Sd3Model;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;
import org.easel.nodes.upscale.ImageUpscaleWithModel;
import org.easel.nodes.upscale.UpscaleModel;

/** The pipeline benchmarks of {@code easel bench t2i|upscale}. */
final class PipelineBench {
    private PipelineBench() {}

    static int textToImage(int iterations) throws Exception {
        Path home = Files.createTempDirectory("easel-bench");
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree(CommonOptions.home().resolve("workflows/text-to-image.json").toFile());
        try (Easel easel = Easel.builder().home(home).device("cpu").cacheBytes(1L << 30).build()) {
            double[] total = new double[iterations + 1];
            for (int i = 0; i <= iterations; i++) {
                // a new seed: the sampler and what follows re-run
                Validation v = easel.validate(wf, Map.of("3.seed", Integer.toString(1000 + i)));
                long t0 = System.nanoTime();
                RunResult r = easel.run(v, UUID.randomUUID().toString(), null, null);
                total[i] = (System.nanoTime() - t0) / 1e6;
                if (!r.success()) throw new IllegalStateException(r.errorMessage());
            }
            System.out.printf("text-to-image 512×512, euler/sgm_uniform 20 steps, cfg 4.5, demo model, %d cores%n",
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("first execution (sessions load)   : %.0f ms%n", total[0]);
            System.out.printf("warm execution (new seed), median : %.0f ms over %d runs%n",
                    median(Arrays.copyOfRange(total, 1, total.length)), iterations);
            sampling(easel.environment(), iterations);
        }
        System.out.printf("peak RSS %d MB, peak heap %d MB%n", rssPeakMb(), peakHeapMb());
        return 0;
    }

    /**
     * The KSampler's work alone (same model, prompt and settings as the workflow), its denoiser wrapped to
     * count and time the model calls, and the transformer session's own time in {@code session.run}.
     */
    private static void sampling(Environment env, int iterations) throws Exception {
        OnnxRuntime rt = OnnxRuntime.of(env);
        Sd3Checkpoint ckpt = Sd3Checkpoint.read(DemoModels.checkpointDir(env.modelsDir()));
        Sd3Model model = ckpt.model();
        Conditioning positive = ckpt.clip().encode(rt, "a red circle");
        Conditioning negative = ckpt.clip().encode(rt, "");
        Latent empty = new Latent(FloatTensor.zeros(1, 16, 64, 64));
        double[] sigmas = Schedulers.sigmasForSampler("sgm_uniform", "euler", model.sampling(), 20, 1.0);
        long[] inDenoiser = new long[1];
        int[] calls = new int[1];
        UnaryOperator<Denoiser> timed = d -> (x, sigma) -> {
            long t = System.nanoTime();
            try {
                return d.denoise(x, sigma);
            } finally {
                inDenoiser[0] += System.nanoTime() - t;
                calls[0]++;
            }
        };
        double[] sampling = new double[iterations];
        double[] outsideRun = new double[iterations];
        double[] outsideDenoiser = new double[iterations];
        try (OnnxRuntime.Lease lease = rt.acquire(model.transformer())) {
            ModelSession session = lease.session();
            for (int i = -1; i < iterations; i++) {           // one warm-up
                inDenoiser[0] = 0;
                calls[0] = 0;
                long run0 = session.nanosInRun();
                long t0 = System.nanoTime();
                SamplingRun.sample(new BenchContext(env), model, 2000 + i, 4.5, "euler", sigmas, positive, negative, empty, true, timed);
                long t = System.nanoTime() - t0;
                if (i < 0) continue;
                sampling[i] = t / 1e6;
                outsideRun[i] = (t - (session.nanosInRun() - run0)) / 1e6;
                outsideDenoiser[i] = (t - inDenoiser[0]) / 1e6;
            }
        }
        double s = median(sampling);
        System.out.printf("KSampler alone, median             : %.0f ms, %d transformer calls (cond+uncond batched)%n", s, calls[0]);
        System.out.printf("sampling time outside session.run : %.1f ms = %.1f%% of sampling%n", median(outsideRun), 100 * median(outsideRun) / s);
        System.out.printf("sampling time outside the denoiser: %.1f ms = %.1f%% (sampler math, noise, callbacks)%n",
                median(outsideDenoiser), 100 * median(outsideDenoiser) / s);
    }

    /** A node context for running the sampler outside a workflow: no previews, never interrupted. */
    private record BenchContext(Environment env) implements NodeContext {
        @Override public String promptId() { return "bench"; }
        @Override public String nodeId() { return "3"; }
        @Override public JsonNode prompt() { return null; }
        @Override public JsonNode extraPngInfo() { return null; }
        @Override public void progress(long value, long max) { }
        @Override public void preview(byte[] encoded, String mimeType) { }
        @Override public boolean wantsPreviews() { return false; }
        @Override public void checkInterrupted() { }
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
