package org.easel.nodes.diffusion;

/**
 * Fresh standard-normal noise of the latent's length, for ancestral/SDE samplers. Each call returns
 * a new array; the sequence must be deterministic given the seed it was built from (see
 * {@link SeededNoise#source(long, int)}).
 */
@FunctionalInterface
public interface NoiseSource {
    float[] next();
}
