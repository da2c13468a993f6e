package org.easel.nodes.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FlowModelSamplingTest {
    private final FlowModelSampling ms = new FlowModelSampling(3.0);

    @Test
    void shiftFormulaAndTimestep() {
        assertEquals(3.0, ms.shift());
        assertEquals(0.0, ms.sigma(0.0), 0.0);
        assertEquals(1.0, ms.sigma(1.0), 1e-15);
        assertEquals(0.75, ms.sigma(0.5), 1e-15);          // 1.5 / 2
        assertEquals(0.9, ms.sigma(0.75), 1e-15);          // 2.25 / 2.5
        assertEquals(0.25, new FlowModelSampling(1.0).sigma(0.25), 0.0);
        assertEquals(500.0, ms.timestep(0.5), 1e-12);
        assertEquals(0.3, ms.t(ms.sigma(0.3)), 1e-15);
    }

    @Test
    void tableMatchesComfyDiscreteFlow() {
        double[] t = ms.sigmaTable();
        assertEquals(1000, t.length);
        assertEquals(0.0029940, ms.sigmaMin(), 1e-7);
        assertEquals(0.0029940, t[0], 1e-7);
        assertEquals(1.0, ms.sigmaMax(), 1e-15);
        assertEquals(ms.sigma(0.5), t[499], 1e-15);
        for (int i = 1; i < t.length; i++) {
            if (!(t[i] > t[i - 1])) throw new AssertionError("table not ascending at " + i);
        }
        t[0] = 42; // copy: must not affect the model sampling
        assertEquals(0.0029940, ms.sigmaMin(), 1e-7);
        assertEquals(1.0, ms.percentToSigma(0.0));
        assertEquals(0.0, ms.percentToSigma(1.0));
        assertEquals(ms.sigma(0.9), ms.percentToSigma(0.1), 1e-15);
    }

    @Test
    void noiseScalingIsConst() {
        float[] noise = {1f, -2f, 0.5f};
        float[] latent = {0.2f, 0.4f, -1f};
        float[] x = ms.noiseScaling(0.25, noise, latent);
        assertArrayEquals(new float[] {0.4f, -0.2f, -0.625f}, x, 1e-6f);
        assertArrayEquals(noise, ms.noiseScaling(1.0, noise, latent), 0f);
        assertArrayEquals(latent, ms.noiseScaling(0.0, noise, latent), 0f);
        assertArrayEquals(new float[] {0.4f, 0.8f, -2f}, ms.inverseNoiseScaling(0.5, latent), 1e-6f);
        float[] same = ms.inverseNoiseScaling(0.0, latent);
        assertArrayEquals(latent, same, 0f);
        same[0] = 99f;
        assertEquals(0.2f, latent[0]);
        assertArrayEquals(new float[] {0.0f, 1.0f}, ms.denoisedFromVelocity(0.5, new float[] {2f, -2f},
                new float[] {1f, 0f}), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> ms.noiseScaling(0.5, new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new FlowModelSampling(0.0));
    }
}
