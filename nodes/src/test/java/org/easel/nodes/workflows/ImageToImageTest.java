package org.easel.nodes.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.validation.ValidationResult;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.engine.Json;
import org.easel.nodes.codec.PngWriter;
import org.easel.nodes.demo.SampleImage;

/** workflows/image-to-image.json and upscale.json on the demo model, and img2img behaviour. */
class ImageToImageTest {
    @TempDir
    static Path home;
    static WorkflowRunner runner;

    @BeforeAll
    static void setUp() throws Exception {
        runner = new WorkflowRunner(home);
    }

    private FloatTensor img2img(String prompt, double denoise, long seed) throws Exception {
        ObjectNode wf = WorkflowRunner.load("image-to-image.json");
        WorkflowRunner.set(wf, "6", "text", prompt);
        WorkflowRunner.set(wf, "3", "denoise", denoise);
        WorkflowRunner.set(wf, "3", "seed", seed);
        ExecutionResult r = runner.run(wf);
        assertTrue(r.success(), () -> r.errorMessage());
        List<FloatTensor> imgs = runner.savedImages(r);
        assertEquals(1, imgs.size());
        return imgs.get(0);
    }

    @Test
    void workflowRunsAsShipped() throws Exception {
        ExecutionResult r = runner.run(WorkflowRunner.load("image-to-image.json"));
        assertTrue(r.success(), () -> r.errorMessage());
        FloatTensor img = runner.savedImages(r).get(0);
        assertEquals(512, img.dim(1));
        assertEquals(512, img.dim(2));
    }

    @Test
    void lowDenoiseKeepsTheInputsComposition() throws Exception {
        // the sample has a blue square on the right; ask for something else at low denoise
        FloatTensor out = img2img("a red circle on the left", 0.3, 1);
        double blueRight = WorkflowRunner.fraction(out, 0.6, 0.9, 0.35, 0.65, WorkflowRunner.BLUE);
        double redLeft = WorkflowRunner.fraction(out, 0.1, 0.4, 0.35, 0.65, WorkflowRunner.RED);
        assertTrue(blueRight > 0.5, "blue square kept on the right: " + blueRight);
        assertTrue(redLeft < 0.05, "no red circle yet: " + redLeft);
    }

    @Test
    void highDenoiseConvergesTowardsThePrompt() throws Exception {
        FloatTensor out = img2img("a red circle on the left", 0.97, 1);
        double redLeft = WorkflowRunner.fraction(out, 0.1, 0.4, 0.35, 0.65, WorkflowRunner.RED);
        double blueRight = WorkflowRunner.fraction(out, 0.6, 0.9, 0.35, 0.65, WorkflowRunner.BLUE);
        assertTrue(redLeft > 0.3, "red circle on the left: " + redLeft);
        assertTrue(blueRight < 0.05, "blue square gone: " + blueRight);
    }

    @Test
    void upscaleWorkflowDoublesTheSize() throws Exception {
        ExecutionResult r = runner.run(WorkflowRunner.load("upscale.json"));
        assertTrue(r.success(), () -> r.errorMessage());
        FloatTensor img = runner.savedImages(r).get(0);
        assertEquals(1024, img.dim(1));
        assertEquals(1024, img.dim(2));
        // the yellow triangle is in the centre of the upscaled picture
        double yellow = WorkflowRunner.fraction(img, 0.4, 0.6, 0.45, 0.6, (rr, g, b) -> rr > 0.7f && g > 0.6f && b < 0.35f);
        assertTrue(yellow > 0.5, "yellow centre: " + yellow);
    }

    @Test
    void hiresFixWorkflowRefinesAt768() throws Exception {
        ExecutionResult r = runner.run(WorkflowRunner.load("hires-fix.json"));
        assertTrue(r.success(), () -> r.errorMessage());
        FloatTensor img = runner.savedImages(r).get(0);
        assertEquals(768, img.dim(1));
        assertEquals(768, img.dim(2));
        double purpleLeft = WorkflowRunner.fraction(img, 0.15, 0.35, 0.4, 0.6, (rr, g, b) -> rr > 0.35f && b > 0.5f && g < 0.35f);
        double purpleRight = WorkflowRunner.fraction(img, 0.65, 0.85, 0.4, 0.6, (rr, g, b) -> rr > 0.35f && b > 0.5f && g < 0.35f);
        assertTrue(purpleLeft > 0.6, "purple square on the left: " + purpleLeft);
        assertTrue(purpleRight < 0.02, "nothing on the right: " + purpleRight);
    }

    @Test
    void missingInputImageIsAValidationErrorNamingTheFile() throws Exception {
        ObjectNode wf = WorkflowRunner.load("image-to-image.json");
        WorkflowRunner.set(wf, "10", "image", "nope.png");
        ValidationResult v = runner.validate(wf);
        assertFalse(v.ok());
        var errors = v.nodeErrors().get("10").errors();
        assertEquals("custom_validation_failed", errors.get(0).type());
        assertTrue(errors.get(0).details().contains("Invalid image file: nope.png"), errors.get(0).details());
        WorkflowRunner.set(wf, "10", "image", "../secret.png");
        assertFalse(runner.validate(wf).ok());
    }

    @Test
    void editingTheInputFileReRunsLoadImage() throws Exception {
        Path file = runner.env.inputDir().resolve("edit-me.png");
        PngWriter.write(file, SampleImage.render(64, 64), Map.of(), 1);
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "edit-me.png"}},
             "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}}""");
        assertTrue(runner.run(wf).executed().contains("1"));
        assertTrue(runner.run(wf).executed().isEmpty(), "unchanged file: everything cached");
        PngWriter.write(file, SampleImage.render(32, 32), Map.of(), 1);
        ExecutionResult r = runner.run(wf);
        assertEquals(List.of("1", "2", "3"), r.executed(), "an edited file re-runs LoadImage and what follows");
        assertEquals(32, runner.savedImages(r).get(0).dim(1));
    }

    @Test
    void unreadableImageIsRefusedByValidationWithNodeAndReason() throws Exception {
        Files.write(runner.env.inputDir().resolve("broken.png"), new byte[]{1, 2, 3, 4, 5});
        ObjectNode wf = WorkflowRunner.load("image-to-image.json");
        WorkflowRunner.set(wf, "10", "image", "broken.png");
        ValidationResult v = runner.validate(wf);
        assertFalse(v.ok());
        String details = v.nodeErrors().get("10").errors().get(0).details();
        assertEquals("Invalid image file: broken.png (not a PNG, JPEG, WebP, BMP or GIF image)", details);
    }

    @Test
    void absurdSizesAreRejectedBeforeRunning() throws Exception {
        ObjectNode wf = WorkflowRunner.load("text-to-image.json");
        WorkflowRunner.set(wf, "5", "width", 20000);
        ValidationResult v = runner.validate(wf);
        assertFalse(v.ok());
        assertEquals("value_bigger_than_max", v.nodeErrors().get("5").errors().get(0).type());
        WorkflowRunner.set(wf, "5", "width", 0);
        assertEquals("value_smaller_than_min", runner.validate(wf).nodeErrors().get("5").errors().get(0).type());
    }
}
