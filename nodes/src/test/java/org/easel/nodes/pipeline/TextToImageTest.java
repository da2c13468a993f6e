package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.workflow.UiWorkflow;
import org.easel.engine.workflow.WorkflowConverter;
import org.easel.nodes.codec.PngChunks;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.onnx.OnnxRuntime;

/** The text-to-image workflow end to end through the engine, on the demo model, judged by the pictures it saves. */
class TextToImageTest {
    @TempDir
    static Path base;
    static Pipeline pipe;

    @BeforeAll
    static void setUp() {
        pipe = new Pipeline(base);
    }

    @Test
    void redCircleInTheCenter() {
        Picture p = pipe.picture(Pipeline.textToImage("a red circle in the center", 512, 512, 42));
        double centre = p.fraction(p::red, 0.35, 0.35, 0.65, 0.65);
        double corners = p.corners(p::red);
        double[] c = p.centroid(p::red);
        double[] bg = p.luminance(p::background);
        System.out.printf("red circle center: red centre %.3f corners %.3f centroid (%.3f, %.3f) background %.3f lum %.3f±%.3f "
                + "grain %.4f all red %.3f%n", centre, corners, c[0], c[1], p.fraction(p::background), bg[0], bg[1], p.cornerStd(),
                p.fraction(p::red));
        assertEquals(512, p.width());
        assertEquals(512, p.height());
        assertTrue(centre > 0.8, "centre region mostly red: " + centre);
        assertTrue(corners < 0.01, "corners not red: " + corners);
        assertEquals(0.5, c[0], 0.05, "red centroid x");
        assertEquals(0.5, c[1], 0.05, "red centroid y");
        // a circle of radius 0.17: π·0.17² ≈ 9% of the picture
        assertEquals(0.09, p.fraction(p::red), 0.03, "red area");
        assertTrue(p.corners(p::background) > 0.95, "light background in the corners");
        assertTrue(bg[0] > 0.75 && bg[0] < 0.92, "background brightness ≈ 0.83: " + bg[0]);
        assertTrue(p.cornerStd() < 0.06, "background is clean, grain " + p.cornerStd());
    }

    @Test
    void blueSquareOnTheLeft() {
        Picture p = pipe.picture(Pipeline.textToImage("a blue square on the left", 512, 512, 7));
        double left = p.fraction(p::blue, 0, 0, 1 / 3.0, 1);
        double right = p.fraction(p::blue, 2 / 3.0, 0, 1, 1);
        double[] c = p.centroid(p::blue);
        System.out.printf("blue square left: blue left third %.3f right third %.3f centroid (%.3f, %.3f) red %.3f%n",
                left, right, c[0], c[1], p.fraction(p::red));
        assertTrue(left > 0.15, "blue mass in the left third: " + left);
        assertTrue(right < 0.005, "no blue on the right: " + right);
        assertEquals(0.25, c[0], 0.05, "blue centroid x");
        assertEquals(0.5, c[1], 0.05, "blue centroid y");
        // a square, not a circle: its bounding box is filled (side 0.3 → 0.09 of the area)
        assertEquals(0.09, p.fraction(p::blue), 0.025);
        assertTrue(p.fraction(p::blue, 0.12, 0.37, 0.38, 0.63) > 0.9, "the square's box is filled, corners included");
        assertTrue(p.fraction(p::red) < 0.001);
    }

    @Test
    void positionFollowsTheSeedWhenThePromptNamesNone() {
        List<Double> xs = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        for (long seed : new long[]{1, 2, 3, 4, 5, 6}) {
            Picture p = pipe.picture(Pipeline.textToImage("a red circle", 256, 256, seed));
            double[] c = p.centroid(p::red);
            log.append(String.format(" seed %d: x %.3f y %.3f red %.3f;", seed, c[0], c[1], p.fraction(p::red)));
            assertTrue(p.fraction(p::red) > 0.06, "a red shape for seed " + seed + ": " + p.fraction(p::red));
            assertEquals(0.5, c[1], 0.06, "vertically centred, seed " + seed);
            // one of the three positions (0.25, 0.5, 0.75)
            double nearest = Math.min(Math.abs(c[0] - 0.25), Math.min(Math.abs(c[0] - 0.5), Math.abs(c[0] - 0.75)));
            assertTrue(nearest < 0.05, "at one of the three positions, seed " + seed + ": " + c[0]);
            xs.add(c[0]);
        }
        System.out.println("red circle centroids:" + log);
        double min = xs.stream().mapToDouble(d -> d).min().orElseThrow();
        double max = xs.stream().mapToDouble(d -> d).max().orElseThrow();
        assertTrue(max - min > 0.2, "the position varies with the seed: " + xs);
    }

    @Test
    void sameSeedGivesIdenticalPngBytesAcrossExecutors() throws Exception {
        ObjectNode prompt = Pipeline.textToImage("a red circle", "", 256, 256, 1234, 20, 4.5, "euler", "sgm_uniform", "det");
        Path first = pipe.saved(pipe.run(prompt), "9").get(0);
        pipe.freshExecutor();
        ExecutionResult second = pipe.run(prompt);
        assertTrue(second.cached().isEmpty(), "a fresh executor has nothing cached: " + second.cached());
        Path again = pipe.saved(second, "9").get(0);
        assertFalse(first.equals(again), "two files");
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(again), "same seed → same PNG bytes");

        ObjectNode other = prompt.deepCopy();
        Pipeline.inputs(other, "3").put("seed", 1235);
        Picture a = Picture.read(first);
        Picture b = Picture.read(pipe.saved(pipe.run(other), "9").get(0));
        double diff = a.meanAbsDiff(b);
        System.out.printf("seed 1234 vs 1235: mean abs diff %.4f%n", diff);
        assertTrue(diff > 0.01, "a different seed gives a different picture: " + diff);
    }

    /**
     * The app's own runtime (OnnxRuntime.of(env)) keeps optimised copies of the models under models/.cache/ort; a
     * second runtime loads those copies instead of optimising again, and draws the very same picture.
     */
    @Test
    void optimisedModelCacheGivesTheSamePicture() throws Exception {
        Path models = base.resolve("own-models");
        DemoModels.ensure(models);
        ObjectNode prompt = Pipeline.textToImage("a blue triangle in the center", "", 128, 128, 17, 10, 4.5, "euler", "sgm_uniform", "ort");
        Pipeline first = new Pipeline(Files.createDirectories(base.resolve("ort1")), models, Pipeline.REGISTRY, false);
        Picture a = first.picture(prompt);
        OnnxRuntime rt1 = first.env.serviceIfPresent(OnnxRuntime.class);
        assertNotNull(rt1, "the environment made its runtime");
        assertTrue(rt1 != Pipeline.runtime());
        Path cache = models.resolve(".cache/ort");
        long copies;
        try (var s = Files.list(cache)) {
            copies = s.filter(f -> f.toString().endsWith(".onnx")).count();
        }
        assertTrue(copies >= 5, "optimised copies of the 5 models used (3 text encoders, transformer, VAE decoder): " + copies);
        Pipeline second = new Pipeline(Files.createDirectories(base.resolve("ort2")), models, Pipeline.REGISTRY, false);
        Picture b = second.picture(prompt);
        assertEquals(0.0, a.meanAbsDiff(b), "same picture from the cached optimised models");
        assertTrue(b.fraction(b::blue, 0.4, 0.45, 0.6, 0.6) > 0.8, "a blue triangle in the center");
        assertEquals(0.0, a.meanAbsDiff(pipe.picture(prompt)), "and the same as without the cache");
        rt1.close();
        second.env.serviceIfPresent(OnnxRuntime.class).close();
    }

    @Test
    void nonSquareSizes() {
        for (int[] size : new int[][]{{512, 768}, {768, 512}}) {
            Picture p = pipe.picture(Pipeline.textToImage("a red circle in the center", size[0], size[1], 3));
            double[] c = p.centroid(p::red);
            System.out.printf("%dx%d: red centre %.3f corners %.3f centroid (%.3f, %.3f)%n", size[0], size[1],
                    p.fraction(p::red, 0.4, 0.4, 0.6, 0.6), p.corners(p::red), c[0], c[1]);
            assertEquals(size[0], p.width());
            assertEquals(size[1], p.height());
            assertTrue(p.fraction(p::red, 0.4, 0.4, 0.6, 0.6) > 0.8, "red in the centre at " + size[0] + "x" + size[1]);
            assertTrue(p.corners(p::background) > 0.95, "light corners at " + size[0] + "x" + size[1]);
            assertEquals(0.5, c[0], 0.05);
            assertEquals(0.5, c[1], 0.05);
            assertTrue(p.cornerStd() < 0.06, "clean background, grain " + p.cornerStd());
        }
    }

    @Test
    void savedPngCarriesThePromptAndWorkflowAndCounts() throws Exception {
        ObjectNode prompt = Pipeline.textToImage("a red circle", "", 128, 128, 5, 8, 4.5, "euler", "sgm_uniform", "meta");
        JsonNode workflow = Json.parse("{\"last_node_id\": 9, \"nodes\": [{\"id\": 9, \"type\": \"SaveImage\"}], \"extra\": {\"ds\": 1.5}}");
        ObjectNode extra = Json.MAPPER.createObjectNode();
        extra.putObject("extra_pnginfo").set("workflow", workflow);
        ExecutionResult r = pipe.run(prompt, extra, null);
        Path file = pipe.saved(r, "9").get(0);
        assertEquals("meta_00001_.png", file.getFileName().toString());
        assertEquals(pipe.env.outputDir(), file.getParent());
        Map<String, Object> item = firstImage(r);
        assertEquals("", item.get("subfolder"));
        assertEquals("output", item.get("type"));

        Map<String, String> text = PngChunks.readText(file);
        assertNotNull(text.get("prompt"), "prompt chunk: " + text.keySet());
        assertNotNull(text.get("workflow"), "workflow chunk: " + text.keySet());
        Pipeline.assertJsonEquals(prompt, Json.parse(text.get("prompt")));
        Pipeline.assertJsonEquals(workflow, Json.parse(text.get("workflow")));

        // without extra_pnginfo: an editor workflow made from the prompt; the counter goes on
        Pipeline.inputs(prompt, "3").put("seed", 6);
        Path second = pipe.saved(pipe.run(prompt), "9").get(0);
        assertEquals("meta_00002_.png", second.getFileName().toString());
        Map<String, String> text2 = PngChunks.readText(second);
        Pipeline.assertJsonEquals(prompt, Json.parse(text2.get("prompt")));
        ObjectNode back = new WorkflowConverter(NodeRegistry.load()).toPrompt(UiWorkflow.parse(text2.get("workflow")));
        assertEquals(Pipeline.inputs(prompt, "3").get("seed"), back.get("3").get("inputs").get("seed"));
        prompt.fieldNames().forEachRemaining(id -> assertEquals(prompt.get(id).get("class_type"), back.get(id).get("class_type"), id));
    }

    @Test
    void subfolderPrefixLandsInASubfolderOfOutput() throws Exception {
        ObjectNode prompt = Pipeline.textToImage("a blue square", "", 128, 128, 5, 8, 4.5, "euler", "sgm_uniform", "sub/x");
        ExecutionResult r = pipe.run(prompt);
        Path file = pipe.saved(r, "9").get(0);
        assertEquals(pipe.env.outputDir().resolve("sub").resolve("x_00001_.png"), file);
        assertTrue(Files.isRegularFile(file));
        assertEquals("sub", firstImage(r).get("subfolder"));
        Pipeline.inputs(prompt, "3").put("seed", 9);
        assertEquals("x_00002_.png", pipe.saved(pipe.run(prompt), "9").get(0).getFileName().toString());
    }

    @Test
    void escapingPrefixIsAClearErrorNamingTheNodeAndInput() throws Exception {
        ObjectNode prompt = Pipeline.textToImage("a blue square", "", 128, 128, 5, 4, 4.5, "euler", "sgm_uniform", "../x");
        ExecutionResult r = pipe.execute(prompt, null, null);
        assertFalse(r.success());
        assertFalse(r.interrupted());
        assertEquals("9", r.error().get("node_id"));
        assertEquals("SaveImage", r.error().get("node_type"));
        String msg = String.valueOf(r.error().get("exception_message"));
        assertTrue(msg.contains("filename_prefix"), msg);
        assertTrue(msg.contains("outside the output folder"), msg);
        assertTrue(r.errorMessage().contains("#9") && r.errorMessage().contains("SaveImage"), r.errorMessage());
        assertFalse(Files.exists(pipe.env.outputDir().resolveSibling("x_00001_.png")), "nothing written outside output");
        // the sampler and decoder ran before it failed
        assertTrue(r.executed().contains("3") && r.executed().contains("8"), r.executed().toString());
    }

    /** Guidance 1.0 skips the negative and still follows the prompt (β = 16 per word in the demo prior). */
    @Test
    void cfgOneFollowsThePrompt() {
        Picture p = pipe.picture(Pipeline.textToImage("a purple square on the right", "a red circle", 256, 256, 13, 16, 1.0,
                "euler", "sgm_uniform", "cfg1"));
        IntPredicate purple = i -> p.r()[i] > 0.4f && p.r()[i] < 0.7f && p.g()[i] < 0.35f && p.b()[i] > 0.55f;
        double right = p.fraction(purple, 0.6, 0.35, 0.9, 0.65);
        System.out.printf("cfg 1: purple square right %.3f, red %.3f%n", right, p.fraction(p::red));
        assertTrue(right > 0.8, "purple square on the right: " + right);
        assertTrue(p.fraction(purple, 0, 0, 0.5, 1) < 0.002);
        assertTrue(p.cornerStd() < 0.045);
    }

    /** A batch of two: two files, two different pictures; the first is the single picture of that seed (one noise stream). */
    @Test
    void batchOfTwo() {
        ObjectNode prompt = Pipeline.textToImage("a red circle", "", 256, 256, 3, 16, 4.5, "euler", "sgm_uniform", "batch");
        Pipeline.inputs(prompt, "5").put("batch_size", 2);
        ExecutionResult r = pipe.run(prompt);
        List<Path> files = pipe.saved(r, "9");
        assertEquals(List.of("batch_00001_.png", "batch_00002_.png"), files.stream().map(f -> f.getFileName().toString()).toList());
        Picture a = Picture.read(files.get(0));
        Picture b = Picture.read(files.get(1));
        assertTrue(a.fraction(a::red) > 0.06 && b.fraction(b::red) > 0.06, "two red circles");
        assertTrue(a.meanAbsDiff(b) > 0.005, "the batch items differ: " + a.meanAbsDiff(b));

        ObjectNode single = Pipeline.textToImage("a red circle", "", 256, 256, 3, 16, 4.5, "euler", "sgm_uniform", "single");
        Picture s = Picture.read(pipe.saved(pipe.run(single), "9").get(0));
        double diff = s.meanAbsDiff(a);
        System.out.printf("batch item 0 vs single: %.5f; item 0 vs item 1: %.4f%n", diff, a.meanAbsDiff(b));
        assertTrue(diff < 0.002, "batch item 0 = the single picture of the seed: " + diff);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstImage(ExecutionResult r) {
        return ((List<Map<String, Object>>) r.outputs().get("9").get("images")).get(0);
    }
}
