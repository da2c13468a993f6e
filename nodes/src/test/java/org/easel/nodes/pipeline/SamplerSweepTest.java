package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.easel.nodes.sampling.Samplers;
import org.easel.nodes.sampling.Schedulers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler (with sgm_uniform) and every scheduler (with euler) through KSampler on the demo model: the
 * picture must be a clean green triangle on the right. A sampler or schedule bug shows as residual noise,
 * wrong colours, a washed-out picture or a shape in the wrong place.
 */
class SamplerSweepTest {
    static final String PROMPT = "a green triangle on the right";
    static final int SIZE = 256;
    static final int STEPS = 16;
    static final long SEED = 11;

    @TempDir
    static Path base;
    static Pipeline pipe;

    @BeforeAll
    static void setUp() {
        pipe = new Pipeline(base);
    }

    static List<String> samplers() { return Samplers.NAMES; }

    static List<String> schedulers() { return Schedulers.NAMES; }

    @Test
    void namesAreComfyUisLists() {
        assertEquals(List.of("euler", "euler_ancestral", "heun", "dpm_2", "dpmpp_sde", "dpmpp_2m", "dpmpp_2m_sde", "lcm",
                "ddim", "uni_pc", "uni_pc_bh2"), Samplers.NAMES);
        assertEquals(List.of("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta",
                "linear_quadratic", "kl_optimal"), Schedulers.NAMES);
    }

    @ParameterizedTest(name = "{0} + sgm_uniform")
    @MethodSource("samplers")
    void everySamplerDrawsACleanGreenTriangleOnTheRight(String sampler) {
        check(sampler, "sgm_uniform");
    }

    @ParameterizedTest(name = "euler + {0}")
    @MethodSource("schedulers")
    void everySchedulerDrawsACleanGreenTriangleOnTheRight(String scheduler) {
        check("euler", scheduler);
    }

    private static void check(String sampler, String scheduler) {
        Picture p = pipe.picture(Pipeline.textToImage(PROMPT, "", SIZE, SIZE, SEED, STEPS, 4.5, sampler, scheduler, sampler + "-" + scheduler));
        String what = sampler + "/" + scheduler;
        double right = p.fraction(p::green, 2 / 3.0, 0, 1, 1);
        double left = p.fraction(p::green, 0, 0, 1 / 3.0, 1);
        double[] c = p.centroid(p::green);
        double grain = p.cornerStd();
        double[] bg = p.luminance(p::background);
        // the triangle is wider at its base (below) than at its apex (above)
        double top = p.fraction(p::green, 0.65, 0.35, 0.85, 0.45);
        double bottom = p.fraction(p::green, 0.65, 0.55, 0.85, 0.65);
        System.out.printf("%-28s green %.3f right %.3f left %.3f centroid (%.3f, %.3f) top %.2f bottom %.2f grain %.4f "
                + "background %.3f (lum %.3f)%n", what, p.fraction(p::green), right, left, c[0], c[1], top, bottom, grain,
                p.fraction(p::background), bg[0]);
        assertTrue(right > 0.12, what + ": green mass in the right third: " + right);
        assertTrue(left < 0.002, what + ": no green on the left: " + left);
        assertEquals(0.75, c[0], 0.04, what + ": green centroid x");
        assertEquals(0.52, c[1], 0.05, what + ": green centroid y");
        // a triangle with base 0.38 and height 0.33: ≈ 6.3% of the picture
        assertEquals(0.063, p.fraction(p::green), 0.02, what + ": green area");
        assertTrue(bottom > top + 0.2, what + ": triangle shape (bottom " + bottom + " vs top " + top + ")");
        assertTrue(p.corners(p::background) > 0.97, what + ": light corners " + p.corners(p::background));
        assertTrue(bg[0] > 0.78 && bg[0] < 0.9, what + ": background brightness " + bg[0]);
        assertTrue(grain < 0.045, what + ": the background is not noisy, grain " + grain);
    }
}
