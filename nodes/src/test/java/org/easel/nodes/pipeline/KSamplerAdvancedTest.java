package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.easel.nodes.diffusion.FlowModelSampling;
import org.easel.nodes.diffusion.Schedulers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KSamplerAdvanced's step range on the demo model, following ComfyUI's rules (which count the schedule's own length). */
class KSamplerAdvancedTest {
    static final String PROMPT = "a green triangle on the right";

    @TempDir
    static Path base;
    static Pipeline pipe;

    @BeforeAll
    static void setUp() {
        pipe = new Pipeline(base);
    }

    static ObjectNode advanced(String scheduler, int steps, int start, int end, String leftover, String prefix) {
        ObjectNode p = Pipeline.textToImage(PROMPT, "", 128, 128, 11, steps, 4.5, "euler", scheduler, prefix);
        Pipeline.node(p, "3", "KSamplerAdvanced", "add_noise", "enable", "noise_seed", 11, "steps", steps, "cfg", 4.5,
                "sampler_name", "euler", "scheduler", scheduler, "positive", Pipeline.link("6", 0), "negative", Pipeline.link("7", 0),
                "latent_image", Pipeline.link("5", 0), "model", Pipeline.link("4", 0), "start_at_step", start, "end_at_step", end,
                "return_with_leftover_noise", leftover);
        return p;
    }

    /**
     * ddim_uniform with 28 steps has 29 steps (30 sigmas), as in ComfyUI. Ending at step 28 with
     * return_with_leftover_noise disabled must still denoise fully: ComfyUI compares end_at_step with the
     * schedule's length (28 &lt; 29), cuts the schedule there and sets its last sigma to 0.
     */
    @Test
    void endBeforeTheScheduleEndsDenoisesFullyWhenAsked() {
        assertEquals(30, Schedulers.sigmasForSampler("ddim_uniform", "euler", FlowModelSampling.sd3(), 28, 1.0).length);
        Picture p = pipe.picture(advanced("ddim_uniform", 28, 0, 28, "disable", "cut"));
        Picture full = pipe.picture(advanced("ddim_uniform", 28, 0, 10000, "disable", "full"));
        System.out.printf("ddim_uniform 28, end 28, no leftover noise: grain %.4f (full schedule %.4f), diff %.4f%n",
                p.cornerStd(), full.cornerStd(), p.meanAbsDiff(full));
        assertTrue(p.cornerStd() < 0.045, "fully denoised, grain " + p.cornerStd());
        assertTrue(p.meanAbsDiff(full) < 0.01, "one step short of the full schedule: " + p.meanAbsDiff(full));
    }

    /**
     * The same with a schedule much longer than steps+1: ddim_uniform at 150 steps has 167 steps. end_at_step 150
     * leaves σ ≈ 0.25 unless the schedule is cut there and ended at 0, as ComfyUI does.
     */
    @Test
    void endBeforeALongScheduleEndsDenoisesFully() {
        double[] s = Schedulers.sigmasForSampler("ddim_uniform", "euler", FlowModelSampling.sd3(), 150, 1.0);
        assertEquals(168, s.length);
        assertEquals(0.246, s[150], 0.01);
        Picture p = pipe.picture(advanced("ddim_uniform", 150, 0, 150, "disable", "long"));
        System.out.printf("ddim_uniform 150, end 150, no leftover noise: grain %.4f%n", p.cornerStd());
        // clean pictures at 128² have grain ≈ 0.024; σ ≈ 0.25 left over gives ≈ 0.04
        assertTrue(p.cornerStd() < 0.03, "fully denoised, grain " + p.cornerStd());
        assertTrue(p.fraction(p::green, 2 / 3.0, 0, 1, 1) > 0.12, "the green triangle");
    }

    /** beta at 300 steps has 293 steps (repeated timesteps skipped): starting at 296 returns the latent, as in ComfyUI. */
    @Test
    void startPastAShortScheduleReturnsTheLatent() {
        assertEquals(294, Schedulers.sigmasForSampler("beta", "euler", FlowModelSampling.sd3(), 300, 1.0).length);
        Picture p = pipe.picture(advanced("beta", 300, 296, 10000, "disable", "short"));
        assertTrue(p.cornerStd() < 0.01 && p.fraction(p::green) == 0, "the empty latent, decoded: " + p.cornerStd());
    }

    /** Starting at or after the end returns the input latent unchanged (here: the empty latent, decoded as mid-grey-ish). */
    @Test
    void startAfterTheEndReturnsTheLatent() {
        Picture p = pipe.picture(advanced("sgm_uniform", 10, 6, 6, "disable", "noop"));
        Picture q = pipe.picture(advanced("sgm_uniform", 10, 10, 10000, "disable", "noop"));
        // the VAE decodes the all-zero latent to one flat colour: no shape, no noise
        assertTrue(p.cornerStd() < 0.01 && p.fraction(p::green) == 0, "flat: " + p.cornerStd());
        assertEquals(0.0, p.meanAbsDiff(q));
    }

    /** A middle range with leftover noise keeps noise; the same range from a full run's first half finishes clean. */
    @Test
    void stagesCompose() {
        Picture first = pipe.picture(advanced("sgm_uniform", 12, 0, 6, "enable", "stage"));
        assertTrue(first.cornerStd() > 0.045, "half-way with leftover noise is noisy: " + first.cornerStd());
        Picture forced = pipe.picture(advanced("sgm_uniform", 12, 0, 6, "disable", "stage"));
        assertTrue(forced.cornerStd() < 0.045, "half-way forced to σ = 0 is clean: " + forced.cornerStd());
        assertTrue(forced.fraction(forced::green, 2 / 3.0, 0, 1, 1) > 0.12, "and already the green triangle");
    }
}
