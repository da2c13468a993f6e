package org.easel.nodes.types;

import org.easel.engine.SizedValue;

/**
 * A LATENT: {@code samples} [B,C,h,w] in the VAE's latent space (as ComfyUI keeps it; the model's own
 * scale/shift is applied inside the sampler), an optional {@code noiseMask} [B or 1,h,w] or [B,1,h,w] for
 * masked denoising (1 = repaint), and an optional first batch index (for per-item noise, as ComfyUI's
 * {@code batch_index}).
 */
public record Latent(FloatTensor samples, FloatTensor noiseMask, int batchIndex) implements SizedValue {
    public Latent {
        if (samples.rank() != 4) throw new IllegalArgumentException("latent samples must be [B,C,H,W], got " + samples);
    }

    public Latent(FloatTensor samples) {
        this(samples, null, 0);
    }

    public int batch() { return samples.dim(0); }
    public int channels() { return samples.dim(1); }
    public int height() { return samples.dim(2); }
    public int width() { return samples.dim(3); }

    public Latent withSamples(FloatTensor s) { return new Latent(s, noiseMask, batchIndex); }
    public Latent withNoiseMask(FloatTensor m) { return new Latent(samples, m, batchIndex); }

    @Override
    public long sizeBytes() {
        return samples.sizeBytes() + (noiseMask == null ? 0 : noiseMask.sizeBytes());
    }
}
