package org.easel.nodes.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Published sigma tables of ComfyUI's schedulers for flow shift 3 (leading and trailing values). */
class SchedulersTest {
    private static final double TOL = 1e-5;
    private final FlowModelSampling ms = new FlowModelSampling(3.0);

    private static final double[] NORMAL_28 = {1.0, 0.987381, 0.974108, 0.960129, 0.945387, 0.929818, 0.913349,
        0.895900, 0.877382, 0.857692, 0.836717, 0.814325, 0.790368, 0.764677, 0.737056, 0.707278, 0.675082,
        0.640160, 0.602151, 0.560625, 0.515072, 0.464876, 0.409289, 0.347393, 0.278049, 0.199827, 0.110906,
        0.008929, 0};
    private static final double[] SIMPLE_28 = {1.0, 0.988055, 0.975157, 0.961594, 0.947717, 0.932678, 0.916796,
        0.9, 0.882716, 0.863868, 0.843832, 0.823105, 0.800373, 0.776062, 0.75, 0.722798, 0.69268, 0.660134,
        0.625874, 0.587591, 0.545802, 0.5, 0.451049, 0.395434, 0.333593, 0.266447, 0.188811, 0.100746, 0};

    private double[] s(String name, int n) {
        return Schedulers.sigmas(name, ms, n);
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length of " + Arrays.toString(actual));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL, "index " + i + " of " + Arrays.toString(actual));
        }
    }

    /** Checks the given leading and trailing values (the tables give only those). */
    private static void assertEnds(double[] head, double[] tail, int length, double[] actual) {
        assertEquals(length, actual.length);
        for (int i = 0; i < head.length; i++) assertEquals(head[i], actual[i], TOL, "head " + i);
        for (int i = 0; i < tail.length; i++) {
            assertEquals(tail[i], actual[actual.length - tail.length + i], TOL, "tail " + i);
        }
    }

    private static void assertDescendingToZero(double[] a) {
        assertEquals(0.0, a[a.length - 1], 0.0);
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] < a[i - 1], "not strictly descending at " + i + ": " + Arrays.toString(a));
        }
    }

    @Test
    void namesInComfyOrder() {
        assertEquals(List.of("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta",
                "linear_quadratic", "kl_optimal"), Schedulers.NAMES);
        for (String n : Schedulers.NAMES) {
            for (int steps : new int[] {1, 2, 4, 20, 28, 30}) {
                double[] sig = s(n, steps);
                assertDescendingToZero(sig);
                assertTrue(sig[0] <= 1.0 + 1e-12, n);
                if (!n.equals("ddim_uniform") && !n.equals("beta")) {
                    assertEquals(steps + 1, sig.length, n + " " + steps);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> s("nope", 4));
    }

    @Test
    void n28Tables() {
        assertClose(NORMAL_28, s("normal", 28));
        assertClose(SIMPLE_28, s("simple", 28));
        assertEnds(new double[] {1.0, 0.987842}, new double[] {0.193855, 0.107504, 0}, 29, s("sgm_uniform", 28));
        assertEnds(new double[] {1.0, 0.862624, 0.741752}, new double[] {0.004155, 0.002994, 0}, 29, s("karras", 28));
        assertEnds(new double[] {1.0, 0.997656, 0.992214}, new double[] {0.068702, 0.023622, 0}, 29, s("beta", 28));
    }

    @Test
    void n4Tables() {
        assertClose(new double[] {1, 0.857692, 0.602151, 0.008929, 0}, s("normal", 4));
        assertClose(new double[] {1, 0.9, 0.75, 0.5, 0}, s("simple", 4));
        assertClose(new double[] {1, 0.900359, 0.751121, 0.502985, 0}, s("sgm_uniform", 4));
        assertClose(new double[] {1, 0.232737, 0.036832, 0.002994, 0}, s("karras", 4));
        assertClose(new double[] {1, 0.933535, 0.750749, 0.392171, 0}, s("beta", 4));
    }

    @Test
    void n40DiffusersTimesteps() {
        double[] sig = s("normal", 40);
        assertEquals(41, sig.length);
        assertEquals(1000.0, ms.timestep(sig[0]), 1e-3);
        assertEquals(991.3309, ms.timestep(sig[1]), 1e-3);
        assertEquals(982.3558, ms.timestep(sig[2]), 1e-3);
        assertEquals(146.50873, ms.timestep(sig[37]), 1e-3);
        assertEquals(81.04575, ms.timestep(sig[38]), 1e-3);
        assertEquals(8.928572, ms.timestep(sig[39]), 1e-3);
        assertEquals(0.0, sig[40]);
    }

    @Test
    void otherSchedulersFromTheirFormulas() {
        // exponential: log-uniform between sigma_max and sigma_min
        double[] e = s("exponential", 4);
        double ratio = Math.pow(ms.sigmaMin(), 1.0 / 3.0);
        assertClose(new double[] {1, ratio, ratio * ratio, ms.sigmaMin(), 0}, e);
        // ddim_uniform: table[751], [501], [251], [1] = sigma(0.752) ...
        assertClose(new double[] {ms.sigma(0.752), ms.sigma(0.502), ms.sigma(0.252), ms.sigma(0.002), 0},
                s("ddim_uniform", 4));
        // ComfyUI quirk: 1000 // 28 = 35 -> 29 entries + 0
        assertEquals(30, s("ddim_uniform", 28).length);
        // linear_quadratic N=4 (threshold 0.025, 2 linear steps): 1 - [0, .0125, .025, .275, 1]
        assertClose(new double[] {1, 0.9875, 0.975, 0.725, 0}, s("linear_quadratic", 4));
        assertClose(new double[] {1, 0}, s("linear_quadratic", 1));
        // kl_optimal: tan of a linear blend of arctangents
        double[] kl = s("kl_optimal", 3);
        assertClose(new double[] {1.0, Math.tan(0.5 * Math.atan(ms.sigmaMin()) + 0.5 * Math.atan(1.0)),
            ms.sigmaMin(), 0}, kl);
        assertEquals(0, s("normal", 0).length);
    }

    @Test
    void betaQuantile() {
        // Beta(1,1) is uniform; Beta(2,2) CDF is 3x^2 - 2x^3
        assertEquals(0.3, Schedulers.betaPpf(0.3, 1.0, 1.0), 1e-12);
        assertEquals(0.5, Schedulers.betaPpf(0.5, 0.6, 0.6), 0.0);
        double x = 0.2;
        assertEquals(x, Schedulers.betaPpf(3 * x * x - 2 * x * x * x, 2.0, 2.0), 1e-12);
        assertEquals(1.0, Schedulers.betaPpf(0.75, 0.6, 0.6) + Schedulers.betaPpf(0.25, 0.6, 0.6), 1e-12);
    }

    @Test
    void denoiseKeepsTheTail() {
        assertArrayEquals(s("normal", 10), Schedulers.sigmasForDenoise("normal", ms, 10, 1.0));
        double[] full20 = s("normal", 20);
        double[] half = Schedulers.sigmasForDenoise("normal", ms, 10, 0.5);
        assertArrayEquals(Arrays.copyOfRange(full20, 10, 21), half);
        assertEquals(11, half.length);
        // int(10 / 0.3) = 33 steps, last 11 kept
        double[] s33 = s("simple", 33);
        assertArrayEquals(Arrays.copyOfRange(s33, 23, 34), Schedulers.sigmasForDenoise("simple", ms, 10, 0.3));
        assertEquals(0, Schedulers.sigmasForDenoise("normal", ms, 10, 0.0).length);
        assertEquals(0, Schedulers.sigmasForDenoise("normal", ms, 10, -1.0).length);
        assertArrayEquals(s("karras", 7), Schedulers.sigmasForDenoise("karras", ms, 7, 0.99995));
    }

    @Test
    void penultimateSigmaDiscardedForDpm2AndUniPc() {
        double[] five = s("normal", 5);
        double[] forDpm2 = Schedulers.sigmasForSampler("normal", "dpm_2", ms, 4, 1.0);
        assertEquals(5, forDpm2.length);
        assertArrayEquals(new double[] {five[0], five[1], five[2], five[3], 0.0}, forDpm2);
        assertArrayEquals(s("normal", 4), Schedulers.sigmasForSampler("normal", "euler", ms, 4, 1.0));
        assertEquals(5, Schedulers.sigmasForSampler("simple", "uni_pc_bh2", ms, 4, 1.0).length);
    }
}
