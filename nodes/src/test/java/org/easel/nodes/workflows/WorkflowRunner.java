package org.easel.nodes.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.types.FloatTensor;

/** Runs workflow files through the real engine in a temporary Easel home, for tests. */
final class WorkflowRunner {
    static final Path WORKFLOWS = Path.of("..", "workflows").toAbsolutePath().normalize();

    final Environment env;
    final NodeRegistry registry = NodeRegistry.load();
    final Executor executor;

    WorkflowRunner(Path home) throws Exception {
        env = Environment.under(home, "cpu");
        Setup.prepare(env, null);
        executor = new Executor(env, new OutputCache(1L << 30));
    }

    static ObjectNode load(String name) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(WORKFLOWS.resolve(name).toFile());
    }

    static void set(ObjectNode prompt, String node, String input, Object value) {
        ((ObjectNode) prompt.get(node).get("inputs")).set(input, Json.tree(value));
    }

    ValidationResult validate(JsonNode prompt) throws Exception {
        return new Validator(registry, env).validate(Prompt.of(prompt));
    }

    ExecutionResult run(JsonNode prompt) throws Exception {
        Prompt p = Prompt.of(prompt);
        ValidationResult v = new Validator(registry, env).validate(p);
        if (!v.ok()) throw new AssertionError("invalid: " + String.join("\n", v.describe()));
        return executor.execute(p, v, UUID.randomUUID().toString(), null, ExecutionListener.NONE);
    }

    /** The images the run saved (all SaveImage outputs), decoded. */
    List<FloatTensor> savedImages(ExecutionResult r) {
        List<FloatTensor> out = new ArrayList<>();
        for (Map<String, Object> ui : r.outputs().values()) {
            if (!(ui.get("images") instanceof List<?> items)) continue;
            for (Object o : items) {
                Map<?, ?> item = (Map<?, ?>) o;
                Path dir = "temp".equals(item.get("type")) ? env.tempDir() : env.outputDir();
                Path f = dir.resolve(String.valueOf(item.get("subfolder"))).resolve(String.valueOf(item.get("filename")));
                if (!Files.exists(f)) throw new AssertionError("missing " + f);
                out.add(ImageConvert.load(f).image());
            }
        }
        return out;
    }

    /** Fraction of pixels in the box [x0,x1)×[y0,y1) (fractions of the size) that match a colour test. */
    static double fraction(FloatTensor img, double x0, double x1, double y0, double y1, ColourTest t) {
        int h = img.dim(1), w = img.dim(2), c = img.dim(3);
        int n = 0, hit = 0;
        for (int y = (int) (y0 * h); y < (int) (y1 * h); y++) {
            for (int x = (int) (x0 * w); x < (int) (x1 * w); x++) {
                int i = (y * w + x) * c;
                n++;
                if (t.test(img.get(i), img.get(i + 1), img.get(i + 2))) hit++;
            }
        }
        return n == 0 ? 0 : (double) hit / n;
    }

    interface ColourTest {
        boolean test(float r, float g, float b);
    }

    static final ColourTest BLUE = (r, g, b) -> b > 0.5f && r < 0.4f && g < 0.5f;
    static final ColourTest RED = (r, g, b) -> r > 0.6f && g < 0.35f && b < 0.35f;
}
