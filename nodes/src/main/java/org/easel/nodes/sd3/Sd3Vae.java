package org.easel.nodes.sd3;

import ai.onnxruntime.OrtException;
import java.nio.file.Path;
import java.util.Map;
import org.easel.engine.NodeException;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.types.FloatTensor;

/**
 * VAE: the Optimum {@code vae_decoder} ({@code latent_sample} [B,16,h,w] → {@code sample} [B,3,8h,8w] in −1..1)
 * and {@code vae_encoder} ({@code sample} → {@code latent_parameters} = mean ‖ logvar). Latents here are the
 * VAE's own (ComfyUI's LATENT "samples"); images are IMAGE [B,H,W,3] in 0..1.
 */
public record Sd3Vae(Path decoder, Path encoder, int downscale) {
    public Sd3Vae(Path decoder, Path encoder) {
        this(decoder, encoder, 8);
    }

    /** [B,C,h,w] latents → IMAGE [B,8h,8w,3]. */
    public FloatTensor decode(OnnxRuntime rt, FloatTensor latent) {
        try (OnnxRuntime.Lease lease = rt.acquire(decoder)) {
            ModelSession s = lease.session();
            String in = s.inputNames().iterator().next();
            String out = s.outputNames().iterator().next();
            FloatTensor px = s.run(Map.of(in, ModelSession.Input.of(latent)), out).get(out);
            return toImage(px);
        } catch (OrtException e) {
            throw new NodeException("VAE decoder failed: " + e.getMessage());
        }
    }

    /** IMAGE [B,H,W,3] (H, W multiples of 8) → latent mean [B,C,H/8,W/8]. */
    public FloatTensor encode(OnnxRuntime rt, FloatTensor image) {
        if (encoder == null) throw new NodeException("this VAE has no encoder (vae_encoder/model.onnx)");
        try (OnnxRuntime.Lease lease = rt.acquire(encoder)) {
            ModelSession s = lease.session();
            String in = s.inputNames().iterator().next();
            String out = s.outputNames().iterator().next();
            FloatTensor params = s.run(Map.of(in, ModelSession.Input.of(toPlanar(image))), out).get(out);
            int b = params.dim(0);
            int c2 = params.dim(1);
            int h = params.dim(2);
            int w = params.dim(3);
            int c = out.equals("latent_parameters") || c2 == 32 ? c2 / 2 : c2;
            float[] mean = new float[b * c * h * w];
            for (int i = 0; i < b; i++) params.copyTo(i * c2 * h * w, mean, i * c * h * w, c * h * w);
            return FloatTensor.wrap(mean, b, c, h, w);
        } catch (OrtException e) {
            throw new NodeException("VAE encoder failed: " + e.getMessage());
        }
    }

    /** [B,3,H,W] in −1..1 → [B,H,W,3] in 0..1. */
    static FloatTensor toImage(FloatTensor px) {
        int b = px.dim(0), c = px.dim(1), h = px.dim(2), w = px.dim(3);
        float[] src = px.toArray();
        float[] dst = new float[b * h * w * c];
        for (int n = 0; n < b; n++) {
            for (int ch = 0; ch < c; ch++) {
                int so = (n * c + ch) * h * w;
                for (int i = 0; i < h * w; i++) {
                    float v = (src[so + i] + 1f) * 0.5f;
                    dst[(n * h * w + i) * c + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
                }
            }
        }
        return FloatTensor.wrap(dst, b, h, w, c);
    }

    /** [B,H,W,C] in 0..1 → [B,3,H,W] in −1..1 (extra channels dropped, gray repeated). */
    static FloatTensor toPlanar(FloatTensor image) {
        int b = image.dim(0), h = image.dim(1), w = image.dim(2), c = image.dim(3);
        float[] src = image.toArray();
        float[] dst = new float[b * 3 * h * w];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < h * w; i++) {
                for (int ch = 0; ch < 3; ch++) {
                    float v = src[(n * h * w + i) * c + Math.min(ch, c - 1)];
                    dst[(n * 3 + ch) * h * w + i] = v * 2f - 1f;
                }
            }
        }
        return FloatTensor.wrap(dst, b, 3, h, w);
    }
}
