package org.easel.nodes.sd3;

import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeException;
import org.easel.nodes.diffusion.Denoiser;
import org.easel.nodes.diffusion.FlowModelSampling;
import org.easel.nodes.diffusion.Samplers;
import org.easel.nodes.diffusion.SeededNoise;
import org.easel.nodes.diffusion.StepCallback;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/**
 * What KSampler and KSamplerAdvanced share: seeded noise for the whole batch, the flow-matching noise
 * scaling in the model's latent space, masked (inpaint) denoising, progress and interrupt at every step, a
 * latent preview every few steps, and the way back to the VAE's latent space.
 */
public final class SamplingRun {
    /** How many steps between previews (and always the last). */
    static final int PREVIEW_EVERY = 2;

    private SamplingRun() {}

    /**
     * @param sigmas    the schedule (first = starting noise level)
     * @param addNoise  false = start from the latent as it is (KSamplerAdvanced add_noise=disable)
     */
    public static Latent sample(NodeContext ctx, Sd3Model model, long seed, double cfg, String sampler, double[] sigmas,
                                Conditioning positive, Conditioning negative, Latent latent, boolean addNoise) throws Exception {
        return sample(ctx, model, seed, cfg, sampler, sigmas, positive, negative, latent, addNoise, UnaryOperator.identity());
    }

    /** As above, with the sampler calling {@code wrap.apply(denoiser)} (e.g. a benchmark timing each model call). */
    public static Latent sample(NodeContext ctx, Sd3Model model, long seed, double cfg, String sampler, double[] sigmas,
                                Conditioning positive, Conditioning negative, Latent latent, boolean addNoise,
                                UnaryOperator<Denoiser> wrap) throws Exception {
        if (sigmas.length <= 1) return latent;                        // denoise 0: nothing to do
        Latent in = fixEmptyChannels(latent, model.latentChannels());
        if (in.channels() != model.latentChannels()) {
            throw new NodeException(ctx.nodeId(), null, "latent_image", "the latent has " + in.channels()
                    + " channels but the model takes " + model.latentChannels() + " (use EmptySD3LatentImage for SD3)");
        }
        int b = in.batch();
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int n = b * c * h * w;
        FlowModelSampling ms = model.sampling();
        float[] latentIn = model.processIn(in.samples().toArray());
        float[] noise = addNoise ? SeededNoise.gaussian(seed, n) : new float[n];
        float[] mask = in.noiseMask() == null ? null : maskFor(in.noiseMask(), b, c, h, w);
        float[] x = ms.noiseScaling(sigmas[0], noise, latentIn);
        OnnxRuntime rt = OnnxRuntime.of(ctx.env());
        try (OnnxRuntime.Lease lease = rt.acquire(model.transformer())) {
            ModelSession session = lease.session();
            String missing = String.join(", ", session.missingInputs("hidden_states", "encoder_hidden_states", "pooled_projections", "timestep"));
            if (!missing.isEmpty()) {
                throw new NodeException(ctx.nodeId(), null, "model", model.transformer() + " is not an SD3 transformer: it lacks inputs " + missing);
            }
            try (Sd3Denoiser cfgDenoiser = new Sd3Denoiser(session, ms, positive, negative, cfg, b, c, h, w)) {
            Denoiser denoiser = wrap.apply(mask == null ? cfgDenoiser : inpaint(cfgDenoiser, ms, latentIn, noise, mask));
            boolean previews = ctx.wantsPreviews();
            StepCallback cb = (step, steps, xs, denoised) -> {
                if (previews && (step % PREVIEW_EVERY == 0 || step + 1 == steps)) {
                    ctx.preview(LatentPreview.jpeg(denoised, c, h, w), "image/jpeg");
                }
                ctx.progress(step + 1, steps);
            };
            float[] out = Samplers.sample(sampler, denoiser, x, sigmas, SeededNoise.source(seed, n), cb, ms);
            out = ms.inverseNoiseScaling(sigmas[sigmas.length - 1], out);
            return in.withSamples(FloatTensor.wrap(model.processOut(out), b, c, h, w));
            }
        }
    }

    /** ComfyUI's KSamplerX0Inpaint: only the masked part (mask 1) is denoised; the rest follows the input. */
    private static Denoiser inpaint(Denoiser inner, FlowModelSampling ms, float[] latentIn, float[] noise, float[] mask) {
        return (x, sigma) -> {
            float[] noisy = ms.noiseScaling(sigma, noise, latentIn);
            float[] xi = new float[x.length];
            for (int i = 0; i < x.length; i++) xi[i] = x[i] * mask[i] + noisy[i] * (1 - mask[i]);
            float[] d = inner.denoise(xi, sigma);
            for (int i = 0; i < d.length; i++) d[i] = d[i] * mask[i] + latentIn[i] * (1 - mask[i]);
            return d;
        };
    }

    /** A noise mask [B|1,H,W] (or [B,1,H,W]) resized bilinearly to the latent and repeated over channels. */
    static float[] maskFor(FloatTensor m, int b, int c, int h, int w) {
        FloatTensor m3 = m.rank() == 4 ? m.reshape(m.dim(0), m.dim(2), m.dim(3)) : m.rank() == 2 ? m.reshape(1, m.dim(0), m.dim(1)) : m;
        FloatTensor scaled = m3.dim(1) == h && m3.dim(2) == w ? m3
                : ImageScaling.scaleMask(m3, w, h, ImageScaling.Method.BILINEAR, ImageScaling.Crop.DISABLED);
        int mb = scaled.dim(0);
        float[] out = new float[b * c * h * w];
        for (int i = 0; i < b; i++) {
            int src = Math.min(i, mb - 1) * h * w;
            for (int ch = 0; ch < c; ch++) {
                int dst = (i * c + ch) * h * w;
                for (int p = 0; p < h * w; p++) out[dst + p] = Math.max(0f, Math.min(1f, scaled.get(src + p)));
            }
        }
        return out;
    }

    /** ComfyUI's fix_empty_latent_channels: an all-zero latent of the wrong width becomes zeros of the right one. */
    static Latent fixEmptyChannels(Latent l, int channels) {
        if (l.channels() == channels) return l;
        FloatBuffer buf = l.samples().buffer();
        while (buf.hasRemaining()) if (buf.get() != 0f) return l;
        return l.withSamples(FloatTensor.zeros(l.batch(), channels, l.height(), l.width()));
    }
}
