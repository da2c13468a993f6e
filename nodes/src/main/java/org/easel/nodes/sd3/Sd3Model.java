package org.easel.nodes.sd3;

import java.nio.file.Path;
import org.easel.nodes.diffusion.FlowModelSampling;

/**
 * MODEL for SD3: the transformer's ONNX file, its flow-matching sampling (shift), and the latent format
 * that maps the VAE's latents into the model's space: {@code x = (z − shift) · scale}.
 */
public record Sd3Model(Path transformer, FlowModelSampling sampling, double latentScale, double latentShift,
                       int latentChannels) {
    public static Sd3Model of(Path transformer, double shift) {
        return new Sd3Model(transformer, new FlowModelSampling(shift), Sd3LatentSpace.SCALING_FACTOR,
                Sd3LatentSpace.SHIFT_FACTOR, Sd3LatentSpace.CHANNELS);
    }

    /** ModelSamplingSD3: the same model with another shift. */
    public Sd3Model withShift(double shift) {
        return new Sd3Model(transformer, new FlowModelSampling(shift), latentScale, latentShift, latentChannels);
    }

    public float[] processIn(float[] z) {
        float[] x = new float[z.length];
        for (int i = 0; i < z.length; i++) x[i] = (float) ((z[i] - latentShift) * latentScale);
        return x;
    }

    public float[] processOut(float[] x) {
        float[] z = new float[x.length];
        for (int i = 0; i < x.length; i++) z[i] = (float) (x[i] / latentScale + latentShift);
        return z;
    }
}
