package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.Sd3Vae;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/**
 * Encodes pixels for inpainting: the masked area (grown by {@code grow_mask_by} pixels) is set to grey
 * before encoding, and the grown mask becomes the latent's noise mask.
 */
public final class VAEEncodeForInpaint implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEEncodeForInpaint").displayName("VAE Encode (for Inpainting)")
            .category("latent/inpaint").description("Encodes an image with its masked area blanked, for inpainting.")
            .required(InputSpec.socket("pixels", Types.IMAGE), InputSpec.socket("vae", Types.VAE),
                    InputSpec.socket("mask", Types.MASK), InputSpec.integer("grow_mask_by", 6, 0, 64))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor px = in.get("pixels", FloatTensor.class);
        FloatTensor mask = in.get("mask", FloatTensor.class);
        if (mask.rank() == 2) mask = mask.reshape(1, mask.dim(0), mask.dim(1));
        int b = px.dim(0), h = px.dim(1), w = px.dim(2), c = px.dim(3);
        if (mask.dim(0) != 1 && mask.dim(0) != b) {
            throw in.error("mask", "the mask batch (" + mask.dim(0) + ") must be 1 or match the image batch (" + b + ")");
        }
        FloatTensor m = mask.dim(1) == h && mask.dim(2) == w ? mask
                : ImageScaling.scaleMask(mask, w, h, ImageScaling.Method.BILINEAR, ImageScaling.Crop.DISABLED);
        float[] grown = grow(m.toArray(), m.dim(0), h, w, in.getInt("grow_mask_by"));
        float[] p = px.toArray();
        float[] src = m.toArray();
        for (int n = 0; n < b; n++) {
            int mb = Math.min(n, m.dim(0) - 1);
            for (int i = 0; i < h * w; i++) {
                float keep = 1f - Math.round(src[mb * h * w + i]);
                for (int ch = 0; ch < Math.min(3, c); ch++) {
                    int k = (n * h * w + i) * c + ch;
                    p[k] = (p[k] - 0.5f) * keep + 0.5f;
                }
            }
        }
        FloatTensor blank = VAEEncode.cropToMultiple(in, FloatTensor.wrap(p, b, h, w, c), 8);
        Sd3Vae vae = in.get("vae", Sd3Vae.class);
        FloatTensor latent = vae.encode(OnnxRuntime.of(ctx.env()), blank);
        int nh = blank.dim(1), nw = blank.dim(2);
        float[] nm = new float[m.dim(0) * nh * nw];
        for (int n = 0; n < m.dim(0); n++) {
            for (int y = 0; y < nh; y++) {
                for (int x = 0; x < nw; x++) nm[(n * nh + y) * nw + x] = Math.round(grown[(n * h + y) * w + x]);
            }
        }
        return NodeOutput.of(new Latent(latent, FloatTensor.wrap(nm, m.dim(0), nh, nw), 0));
    }

    /** Dilates a mask by {@code r} pixels (a square max filter of size r, as ComfyUI's conv-based growth). */
    static float[] grow(float[] m, int b, int h, int w, int r) {
        if (r <= 0) return m.clone();
        int lo = r / 2, hi = r - 1 - lo;
        float[] tmp = new float[m.length];
        float[] out = new float[m.length];
        for (int n = 0; n < b; n++) {
            int o = n * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = 0;
                    for (int dx = -lo; dx <= hi; dx++) {
                        int xx = x + dx;
                        if (xx >= 0 && xx < w) v = Math.max(v, m[o + y * w + xx]);
                    }
                    tmp[o + y * w + x] = v;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = 0;
                    for (int dy = -lo; dy <= hi; dy++) {
                        int yy = y + dy;
                        if (yy >= 0 && yy < h) v = Math.max(v, tmp[o + yy * w + x]);
                    }
                    out[o + y * w + x] = Math.min(1f, v);
                }
            }
        }
        return out;
    }
}
