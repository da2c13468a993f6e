package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;

/**
 * Drives the real node library through the engine on the generated demo model: one FP32 demo models folder
 * shared by all pipeline tests (generated once per JVM), one ONNX runtime shared by every environment that
 * uses it, prompts built in code, and the saved PNGs measured as pictures.
 */
final class Pipeline {
    static final NodeRegistry REGISTRY = NodeRegistry.load();
    private static Path sharedModels;
    private static OnnxRuntime sharedRuntime;

    /** The FP32 demo models folder shared by the pipeline tests. */
    static synchronized Path models() {
        if (sharedModels == null) {
            try {
                Path dir = Files.createTempDirectory("easel-pipeline-models");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                DemoModels.ensure(dir);
                sharedModels = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sharedModels;
    }

    static synchronized OnnxRuntime runtime() {
        if (sharedRuntime == null) sharedRuntime = new OnnxRuntime("cpu", null, 1L << 30);
        return sharedRuntime;
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    final Environment env;
    final Validator validator;
    Executor executor;
    private int counter;

    /** An engine whose input/output/temp/user folders live under {@code base}, over the shared demo models. */
    Pipeline(Path base) {
        this(base, models());
    }

    Pipeline(Path base, Path modelsDir) {
        this(base, modelsDir, REGISTRY);
    }

    Pipeline(Path base, Path modelsDir, NodeRegistry registry) {
        this(base, modelsDir, registry, true);
    }

    /** {@code sharedRuntime} false: the environment makes its own runtime, as the app does (with the optimised-model cache). */
    Pipeline(Path base, Path modelsDir, NodeRegistry registry, boolean sharedRuntime) {
        env = new Environment(modelsDir, base.resolve("input"), base.resolve("output"), base.resolve("temp"),
                base.resolve("user"), "cpu");
        if (sharedRuntime) env.putService(OnnxRuntime.class, runtime());
        try {
            Files.createDirectories(env.inputDir());
            Files.createDirectories(env.outputDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        validator = new Validator(registry, env);
        executor = new Executor(env, new OutputCache(256L << 20));
    }

    /** A fresh executor (empty cache). */
    void freshExecutor() {
        executor = new Executor(env, new OutputCache(256L << 20));
    }

    // ---- prompts ----------------------------------------------------------------------------------

    /** The text-to-image workflow of workflows/text-to-image.json, with the given settings. */
    static ObjectNode textToImage(String positive, int width, int height, long seed) {
        return textToImage(positive, "", width, height, seed, 20, 4.5, "euler", "sgm_uniform", "easel");
    }

    static ObjectNode textToImage(String positive, String negative, int width, int height, long seed, int steps, double cfg,
                                  String sampler, String scheduler, String prefix) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        node(p, "4", "CheckpointLoaderSimple", "ckpt_name", DemoModels.NAME);
        node(p, "6", "CLIPTextEncode", "text", positive, "clip", link("4", 1));
        node(p, "7", "CLIPTextEncode", "text", negative, "clip", link("4", 1));
        node(p, "5", "EmptySD3LatentImage", "width", width, "height", height, "batch_size", 1);
        node(p, "3", "KSampler", "seed", seed, "steps", steps, "cfg", cfg, "sampler_name", sampler, "scheduler", scheduler,
                "denoise", 1.0, "model", link("4", 0), "positive", link("6", 0), "negative", link("7", 0),
                "latent_image", link("5", 0));
        node(p, "8", "VAEDecode", "samples", link("3", 0), "vae", link("4", 2));
        node(p, "9", "SaveImage", "filename_prefix", prefix, "images", link("8", 0));
        return p;
    }

    /** Adds (or replaces) node {@code id} with the given inputs (name, value pairs; links as {@link #link}). */
    static ObjectNode node(ObjectNode prompt, String id, String classType, Object... inputs) {
        ObjectNode n = prompt.putObject(id);
        n.put("class_type", classType);
        ObjectNode in = n.putObject("inputs");
        for (int i = 0; i < inputs.length; i += 2) in.set((String) inputs[i], Json.MAPPER.valueToTree(inputs[i + 1]));
        return n;
    }

    static List<Object> link(String id, int index) {
        return List.of(id, index);
    }

    /** A link as a JSON array node, for {@code ObjectNode.set}. */
    static ArrayNode linkNode(String id, int index) {
        return Json.MAPPER.createArrayNode().add(id).add(index);
    }

    static ObjectNode inputs(ObjectNode prompt, String id) {
        return (ObjectNode) prompt.get(id).get("inputs");
    }

    /** JSON equality where numbers compare by value (5 == 5L == 5.0). */
    static void assertJsonEquals(JsonNode expected, JsonNode actual) {
        Comparator<JsonNode> numeric = (a, b) -> {
            if (a.equals(b)) return 0;
            if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
            return 1;
        };
        if (!expected.equals(numeric, actual)) fail("JSON differs\nexpected: " + expected + "\nactual:   " + actual);
    }

    /** Runs one node directly (outside the engine) with literal and object inputs; returns its output values. */
    List<Object> call(String classType, Object... inputs) throws Exception {
        Map<String, Object> in = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i += 2) in.put((String) inputs[i], inputs[i + 1]);
        NodeContext ctx = new NodeContext() {
            @Override public String promptId() { return "direct"; }
            @Override public String nodeId() { return "n1"; }
            @Override public Environment env() { return env; }
            @Override public JsonNode prompt() { return Json.MAPPER.createObjectNode(); }
            @Override public JsonNode extraPngInfo() { return null; }
            @Override public void progress(long value, long max) { }
            @Override public void preview(byte[] encoded, String mimeType) { }
            @Override public boolean wantsPreviews() { return false; }
            @Override public void checkInterrupted() { }
        };
        return REGISTRY.get(classType).execute(ctx, new NodeInputs("n1", classType, in)).values();
    }

    // ---- running ----------------------------------------------------------------------------------

    ValidationResult validate(JsonNode prompt) {
        try {
            return validator.validate(Prompt.of(prompt.deepCopy()));
        } catch (Exception e) {
            throw new AssertionError("prompt did not parse: " + e.getMessage(), e);
        }
    }

    /** Validates (must pass) and executes; returns the result (not necessarily a success). */
    ExecutionResult execute(JsonNode prompt, JsonNode extraData, ExecutionListener listener) {
        Prompt p;
        try {
            p = Prompt.of(prompt.deepCopy());
        } catch (Exception e) {
            throw new AssertionError("prompt did not parse: " + e.getMessage(), e);
        }
        ValidationResult v = validator.validate(p);
        assertTrue(v.ok(), () -> "validation failed: " + Json.write(v.errorJson()) + " " + v.describe());
        return executor.execute(p, v, "p" + (++counter), extraData, listener);
    }

    /** Executes and requires success. */
    ExecutionResult run(JsonNode prompt) {
        return run(prompt, null, null);
    }

    ExecutionResult run(JsonNode prompt, JsonNode extraData, ExecutionListener listener) {
        ExecutionResult r = execute(prompt, extraData, listener);
        if (!r.success()) fail("execution failed: " + r.errorMessage() + " " + r.error());
        return r;
    }

    /** The files saved by output node {@code nodeId}, in order. */
    List<Path> saved(ExecutionResult r, String nodeId) {
        Map<String, Object> ui = r.outputs().get(nodeId);
        if (ui == null) throw new AssertionError("node " + nodeId + " has no UI output: " + r.outputs());
        List<Path> files = new ArrayList<>();
        for (Object o : (List<?>) ui.get("images")) {
            Map<?, ?> item = (Map<?, ?>) o;
            Path base = "temp".equals(item.get("type")) ? env.tempDir() : env.outputDir();
            files.add(base.resolve(String.valueOf(item.get("subfolder"))).resolve(String.valueOf(item.get("filename"))));
        }
        return files;
    }

    /** Runs the prompt and reads the first picture saved by SaveImage node "9". */
    Picture picture(JsonNode prompt) {
        return Picture.read(saved(run(prompt), "9").get(0));
    }

    /** Records every event (type + copy of its data) and previews. */
    static class Recording implements ExecutionListener {
        final List<String> types = Collections.synchronizedList(new ArrayList<>());
        final List<Map<String, Object>> progress = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(String type, Map<String, Object> data) {
            types.add(type);
            if (type.equals("progress")) progress.add(new LinkedHashMap<>(data));
        }
    }

    // ---- pictures -----------------------------------------------------------------------------------

    /** An RGB picture in display values 0..1, with region statistics for coloured shapes on a light background. */
    record Picture(int width, int height, float[] r, float[] g, float[] b) {
        static Picture read(Path png) {
            try {
                return of(ImageIO.read(png.toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Picture of(BufferedImage img) {
            int w = img.getWidth();
            int h = img.getHeight();
            float[] r = new float[w * h];
            float[] g = new float[w * h];
            float[] b = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    int i = y * w + x;
                    r[i] = ((rgb >> 16) & 255) / 255f;
                    g[i] = ((rgb >> 8) & 255) / 255f;
                    b[i] = (rgb & 255) / 255f;
                }
            }
            return new Picture(w, h, r, g, b);
        }

        boolean red(int i) { return r[i] > 0.55f && g[i] < 0.4f && b[i] < 0.4f; }
        boolean green(int i) { return g[i] > 0.4f && r[i] < 0.4f && b[i] < 0.45f; }
        boolean blue(int i) { return b[i] > 0.55f && r[i] < 0.4f && g[i] < 0.5f; }
        /** The light grey background (≈ 0.84, 0.84, 0.82). */
        boolean background(int i) {
            return r[i] > 0.65f && g[i] > 0.65f && b[i] > 0.65f && Math.abs(r[i] - b[i]) < 0.15f && Math.abs(r[i] - g[i]) < 0.15f;
        }

        /** Fraction of pixels matching {@code p} in the rectangle [x0,x1)×[y0,y1) given as fractions of the size. */
        double fraction(IntPredicate p, double x0, double y0, double x1, double y1) {
            int xa = (int) Math.round(x0 * width), xb = (int) Math.round(x1 * width);
            int ya = (int) Math.round(y0 * height), yb = (int) Math.round(y1 * height);
            long n = 0, hit = 0;
            for (int y = ya; y < yb; y++) {
                for (int x = xa; x < xb; x++) {
                    n++;
                    if (p.test(y * width + x)) hit++;
                }
            }
            return n == 0 ? 0 : hit / (double) n;
        }

        double fraction(IntPredicate p) {
            return fraction(p, 0, 0, 1, 1);
        }

        /** Mean fraction of matching pixels over the four corner squares (each 15% of the size). */
        double corners(IntPredicate p) {
            double c = 0.15;
            return (fraction(p, 0, 0, c, c) + fraction(p, 1 - c, 0, 1, c) + fraction(p, 0, 1 - c, c, 1)
                    + fraction(p, 1 - c, 1 - c, 1, 1)) / 4;
        }

        /** Centroid {x, y} of the matching pixels as fractions of width and height (NaN when none). */
        double[] centroid(IntPredicate p) {
            double sx = 0, sy = 0;
            long n = 0;
            for (int i = 0; i < r.length; i++) {
                if (p.test(i)) {
                    sx += i % width + 0.5;
                    sy += i / width + 0.5;
                    n++;
                }
            }
            return new double[]{sx / n / width, sy / n / height};
        }

        /** {mean, std} of the luminance of the pixels matching {@code p}. */
        double[] luminance(IntPredicate p) {
            double s = 0, s2 = 0;
            long n = 0;
            for (int i = 0; i < r.length; i++) {
                if (!p.test(i)) continue;
                double l = (r[i] + g[i] + b[i]) / 3.0;
                s += l;
                s2 += l * l;
                n++;
            }
            double mean = s / n;
            return new double[]{mean, Math.sqrt(Math.max(0, s2 / n - mean * mean))};
        }

        /**
         * Grain: the standard deviation of each channel over the pixels of the corner squares (15% of the
         * size), averaged over the corners and channels. The background there is flat, so this is noise.
         */
        double cornerStd() {
            double c = 0.15;
            double[][] boxes = {{0, 0, c, c}, {1 - c, 0, 1, c}, {0, 1 - c, c, 1}, {1 - c, 1 - c, 1, 1}};
            double total = 0;
            for (double[] bx : boxes) {
                int xa = (int) Math.round(bx[0] * width), xb = (int) Math.round(bx[2] * width);
                int ya = (int) Math.round(bx[1] * height), yb = (int) Math.round(bx[3] * height);
                for (float[] ch : new float[][]{r, g, b}) {
                    double s = 0, s2 = 0;
                    long n = 0;
                    for (int y = ya; y < yb; y++) {
                        for (int x = xa; x < xb; x++) {
                            double v = ch[y * width + x];
                            s += v;
                            s2 += v * v;
                            n++;
                        }
                    }
                    double m = s / n;
                    total += Math.sqrt(Math.max(0, s2 / n - m * m));
                }
            }
            return total / 12;
        }

        /** Mean absolute difference per channel value, 0..1. */
        double meanAbsDiff(Picture o) {
            if (o.width != width || o.height != height) throw new AssertionError("sizes differ");
            double s = 0;
            for (int i = 0; i < r.length; i++) s += Math.abs(r[i] - o.r[i]) + Math.abs(g[i] - o.g[i]) + Math.abs(b[i] - o.b[i]);
            return s / (3.0 * r.length);
        }

        String describe(IntPredicate p, String name) {
            double[] c = centroid(p);
            return String.format("%s: %.3f of pixels, centroid (%.3f, %.3f), corner grain %.4f, background %.3f",
                    name, fraction(p), c[0], c[1], cornerStd(), fraction(this::background));
        }
    }
}
