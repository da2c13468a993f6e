package org.easel.nodes.workflows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.engine.exec.ExecutionResult;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.demo.SampleImage;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.upscale.ImageUpscaleWithModel;
import org.easel.nodes.upscale.UpscaleModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.nodes.codec.PngWriter;

/** Tiled VAE and tiled upscaling agree with untiled; masked denoising keeps the unmasked part; batches. */
class TiledAndMaskedTest {
    @TempDir
    static Path home;
    static WorkflowRunner runner;

    @BeforeAll
    static void setUp() throws Exception {
        runner = new WorkflowRunner(home);
    }

    static double meanAbsDiff(FloatTensor a, FloatTensor b) {
        assertArrayEquals(a.shape(), b.shape());
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += Math.abs(a.get(i) - b.get(i));
        return s / a.size();
    }

    static double maxAbsDiff(FloatTensor a, FloatTensor b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
        return m;
    }

    @Test
    void tiledUpscaleMatchesUntiled() throws Exception {
        FloatTensor img = ImageConvert.fromBufferedImage(SampleImage.render(320, 256));
        UpscaleModel m = new UpscaleModel(runner.env.modelsDir().resolve(DemoModels.UPSCALER), 2);
        OnnxRuntime rt = OnnxRuntime.of(runner.env);
        FloatTensor whole = ImageUpscaleWithModel.upscale(null, rt, m, img, 1024);
        FloatTensor tiled = ImageUpscaleWithModel.upscale(null, rt, m, img, 96);
        assertEquals(512, whole.dim(1));
        assertEquals(640, whole.dim(2));
        double mean = meanAbsDiff(whole, tiled);
        assertTrue(mean < 2e-3, "mean difference " + mean);
        assertTrue(maxAbsDiff(whole, tiled) < 0.08, "max difference " + maxAbsDiff(whole, tiled));
    }

    @Test
    void tiledVaeMatchesUntiled() throws Exception {
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree("""
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "easel-tiny-sd3"}},
             "10": {"class_type": "LoadImage", "inputs": {"image": "easel-sample.png"}},
             "11": {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}},
             "12": {"class_type": "VAEEncodeTiled", "inputs": {"pixels": ["10", 0], "vae": ["4", 2], "tile_size": 192, "overlap": 32,
                     "temporal_size": 64, "temporal_overlap": 8}},
             "13": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["4", 2]}},
             "14": {"class_type": "VAEDecodeTiled", "inputs": {"samples": ["12", 0], "vae": ["4", 2], "tile_size": 128, "overlap": 32,
                     "temporal_size": 64, "temporal_overlap": 8}},
             "15": {"class_type": "PreviewImage", "inputs": {"images": ["13", 0]}},
             "16": {"class_type": "PreviewImage", "inputs": {"images": ["14", 0]}}}""");
        ExecutionResult r = runner.run(wf);
        assertTrue(r.success(), () -> r.errorMessage());
        var images = runner.savedImages(r);
        double mean = meanAbsDiff(images.get(0), images.get(1));
        assertTrue(mean < 0.01, "tiled vs untiled VAE, mean difference " + mean);
    }

    @Test
    void latentNoiseMaskKeepsTheUnmaskedPart() throws Exception {
        // repaint only the left half (mask 1 there) asking for a red circle on the left: the blue square on the right stays
        ObjectNode wf = WorkflowRunner.load("image-to-image.json");
        ObjectNode nodes = wf;
        FloatTensor left = leftHalfMask(512, 512);
        PngWriter.write(runner.env.inputDir().resolve("left-half.png"),
                ImageConvert.toBufferedImage(FloatTensor.wrap(maskToRgb(left), 1, 512, 512, 3), 0), Map.of(), 1);
        nodes.set("21", Json.MAPPER.readTree("{\"class_type\": \"LoadImageMask\", \"inputs\": {\"image\": \"left-half.png\", \"channel\": \"red\"}}"));
        nodes.set("22", Json.MAPPER.readTree("{\"class_type\": \"SetLatentNoiseMask\", \"inputs\": {\"samples\": [\"11\", 0], \"mask\": [\"21\", 0]}}"));
        WorkflowRunner.set(wf, "3", "latent_image", List.of("22", 0));
        WorkflowRunner.set(wf, "3", "denoise", 1.0);
        WorkflowRunner.set(wf, "6", "text", "a red circle on the left");
        ExecutionResult r = runner.run(wf);
        assertTrue(r.success(), () -> r.errorMessage());
        FloatTensor out = runner.savedImages(r).get(0);
        double blueRight = WorkflowRunner.fraction(out, 0.65, 0.85, 0.4, 0.6, WorkflowRunner.BLUE);
        double redLeft = WorkflowRunner.fraction(out, 0.15, 0.35, 0.4, 0.6, WorkflowRunner.RED);
        assertTrue(blueRight > 0.9, "unmasked blue square kept: " + blueRight);
        assertTrue(redLeft > 0.5, "masked half repainted: " + redLeft);
    }

    @Test
    void batchesFlowThroughSamplingAndTheVae() throws Exception {
        ObjectNode wf = WorkflowRunner.load("text-to-image.json");
        WorkflowRunner.set(wf, "5", "batch_size", 3);
        WorkflowRunner.set(wf, "5", "width", 256);
        WorkflowRunner.set(wf, "5", "height", 256);
        WorkflowRunner.set(wf, "3", "steps", 10);
        ExecutionResult r = runner.run(wf);
        assertTrue(r.success(), () -> r.errorMessage());
        var images = runner.savedImages(r);
        assertEquals(3, images.size());
        assertFalse(meanAbsDiff(images.get(0), images.get(1)) < 1e-3, "batch items differ");
    }

    @Test
    void vaeEncodeForInpaintGreysTheMaskedArea() throws Exception {
        // mask = red channel of the sample: ~0.84 on the background (→ 1, repaint), ~0.1 on the blue square (→ 0, keep)
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree("""
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "easel-tiny-sd3"}},
             "10": {"class_type": "LoadImage", "inputs": {"image": "easel-sample.png"}},
             "12": {"class_type": "LoadImageMask", "inputs": {"image": "easel-sample.png", "channel": "red"}},
             "11": {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["10", 0], "vae": ["4", 2], "mask": ["12", 0], "grow_mask_by": 6}},
             "13": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["4", 2]}},
             "15": {"class_type": "PreviewImage", "inputs": {"images": ["13", 0]}}}""");
        ExecutionResult r = runner.run(wf);
        assertTrue(r.success(), () -> r.errorMessage());
        FloatTensor out = runner.savedImages(r).get(0);
        double grey = WorkflowRunner.fraction(out, 0.05, 0.3, 0.05, 0.3, (rr, g, b) -> Math.abs(rr - 0.5f) < 0.06f && Math.abs(g - 0.5f) < 0.06f);
        double blue = WorkflowRunner.fraction(out, 0.68, 0.82, 0.42, 0.58, WorkflowRunner.BLUE);
        assertTrue(grey > 0.95, "masked background is grey: " + grey);
        assertTrue(blue > 0.95, "unmasked square kept: " + blue);
    }

    private static FloatTensor leftHalfMask(int w, int h) {
        float[] m = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w / 2; x++) m[y * w + x] = 1f;
        return FloatTensor.wrap(m, 1, h, w);
    }

    private static float[] maskToRgb(FloatTensor m) {
        float[] rgb = new float[m.size() * 3];
        for (int i = 0; i < m.size(); i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = m.get(i);
        return rgb;
    }
}
