package org.easel.nodes.diffusion;

/**
 * Model sampling for rectified-flow models (SD3/SD3.5): ComfyUI's {@code ModelSamplingDiscreteFlow}
 * combined with the {@code CONST} parameterisation.
 *
 * <ul>
 *   <li>forward process {@code x_sigma = (1 - sigma) x0 + sigma eps}, sigma in [0, 1];</li>
 *   <li>{@code sigma(t) = shift t / (1 + (shift - 1) t)} for t in [0, 1] (identity when shift = 1);</li>
 *   <li>timestep fed to the transformer: {@code sigma * multiplier} (multiplier 1000);</li>
 *   <li>a 1000-entry ascending table {@code sigmas[k] = sigma((k + 1) / 1000)} used by the discrete
 *       schedulers.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class FlowModelSampling {
    /** Number of discrete training timesteps (table size). */
    public static final int TIMESTEPS = 1000;
    /** ComfyUI multiplier: transformer timestep = sigma * 1000. */
    public static final double MULTIPLIER = 1000.0;
    /** SD3 / SD3.5 default shift. */
    public static final double SD3_SHIFT = 3.0;

    private final double shift;
    private final double[] table;

    public FlowModelSampling(double shift) {
        if (!(shift > 0) || Double.isInfinite(shift)) {
            throw new IllegalArgumentException("shift must be positive and finite: " + shift);
        }
        this.shift = shift;
        this.table = new double[TIMESTEPS];
        for (int k = 0; k < TIMESTEPS; k++) {
            table[k] = sigma((k + 1) / (double) TIMESTEPS);
        }
    }

    /** SD3 defaults (shift 3.0). */
    public static FlowModelSampling sd3() {
        return new FlowModelSampling(SD3_SHIFT);
    }

    public double shift() {
        return shift;
    }

    /** {@code shift*t/(1+(shift-1)*t)}, t in [0, 1]. */
    public double sigma(double t) {
        if (shift == 1.0) return t;
        return shift * t / (1.0 + (shift - 1.0) * t);
    }

    /** Inverse of {@link #sigma(double)}: {@code t = sigma / (shift - (shift - 1) sigma)}. */
    public double t(double sigma) {
        if (shift == 1.0) return sigma;
        return sigma / (shift - (shift - 1.0) * sigma);
    }

    /** {@code sigma * 1000}: the timestep the SD3 transformer takes. */
    public double timestep(double sigma) {
        return sigma * MULTIPLIER;
    }

    /** {@code sigmas[0] = sigma(0.001)} (0.0029940 for shift 3). */
    public double sigmaMin() {
        return table[0];
    }

    /** {@code sigmas[999] = sigma(1) = 1}. */
    public double sigmaMax() {
        return table[TIMESTEPS - 1];
    }

    /** A copy of the 1000 ascending discrete sigmas ComfyUI uses. */
    public double[] sigmaTable() {
        return table.clone();
    }

    /** Table entry k (0..999) without copying. */
    double tableAt(int k) {
        return table[k];
    }

    /**
     * ComfyUI {@code percent_to_sigma}: 1 for p &le; 0, 0 for p &ge; 1, otherwise {@code sigma(1 - p)}.
     */
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 1.0;
        if (percent >= 1.0) return 0.0;
        return sigma(1.0 - percent);
    }

    /** {@code sigma*noise + (1-sigma)*latent} (CONST noise scaling); a new array. */
    public float[] noiseScaling(double sigma, float[] noise, float[] latent) {
        if (noise.length != latent.length) {
            throw new IllegalArgumentException("noise length " + noise.length + " != latent length " + latent.length);
        }
        float[] out = new float[noise.length];
        double a = 1.0 - sigma;
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sigma * noise[i] + a * latent[i]);
        }
        return out;
    }

    /**
     * CONST inverse noise scaling: {@code latent / (1 - sigma)}; a new array. Samplers end at sigma 0,
     * where this is the identity (a plain copy).
     */
    public float[] inverseNoiseScaling(double sigma, float[] latent) {
        float[] out = new float[latent.length];
        if (sigma == 0.0) {
            System.arraycopy(latent, 0, out, 0, latent.length);
            return out;
        }
        double inv = 1.0 / (1.0 - sigma);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (latent[i] * inv);
        }
        return out;
    }

    /** CONST {@code calculate_denoised}: {@code x - v * sigma} for a velocity prediction v; a new array. */
    public float[] denoisedFromVelocity(double sigma, float[] velocity, float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (x[i] - (double) velocity[i] * sigma);
        }
        return out;
    }

    @Override
    public String toString() {
        return "FlowModelSampling[shift=" + shift + "]";
    }
}
