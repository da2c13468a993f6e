package org.easel.nodes.diffusion;

/**
 * Called after every sampler step (after the model call of step {@code step}, before x is advanced,
 * like ComfyUI/k-diffusion callbacks). {@code step} counts from 0 to {@code totalSteps - 1}. The arrays
 * must be treated as read-only. May throw (e.g. an interrupt exception) to stop sampling.
 */
@FunctionalInterface
public interface StepCallback {
    void onStep(int step, int totalSteps, float[] x, float[] denoised) throws Exception;
}
