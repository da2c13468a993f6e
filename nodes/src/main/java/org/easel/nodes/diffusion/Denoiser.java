package org.easel.nodes.diffusion;

/**
 * Predicts the clean latent x0 ("denoised") from {@code x} at noise level {@code sigma}.
 * {@code x} is the flat float array of the whole batch latent. Implementations must not keep or
 * mutate {@code x}; the returned array is owned by the caller (samplers may read it after the call
 * and pass it to a {@link StepCallback}).
 */
@FunctionalInterface
public interface Denoiser {
    float[] denoise(float[] x, double sigma) throws Exception;
}
