package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.Sd3Vae;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/** Encodes pixels to a LATENT with the VAE encoder's mean (the img2img entry point). */
public final class VAEEncode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEEncode").displayName("VAE Encode")
            .category("latent").description("Encodes images into latents (use with KSampler denoise < 1 for img2img).")
            .required(InputSpec.socket("pixels", Types.IMAGE), InputSpec.socket("vae", Types.VAE))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor px = cropToMultiple(in, in.get("pixels", FloatTensor.class), 8);
        Sd3Vae vae = in.get("vae", Sd3Vae.class);
        return NodeOutput.of(new Latent(vae.encode(OnnxRuntime.of(ctx.env()), px)));
    }

    /** ComfyUI's vae_encode_crop_pixels: crop [B,H,W,C] to multiples of {@code m}, centred. */
    static FloatTensor cropToMultiple(NodeInputs in, FloatTensor px, int m) {
        if (px.rank() != 4) throw in.error("pixels", "expected an IMAGE [B,H,W,C], got " + px);
        int b = px.dim(0), h = px.dim(1), w = px.dim(2), c = px.dim(3);
        int nh = h / m * m, nw = w / m * m;
        if (nh == 0 || nw == 0) throw in.error("pixels", "the image is " + w + "×" + h + "; it must be at least " + m + "×" + m);
        if (nh == h && nw == w) return px;
        int oy = (h % m) / 2, ox = (w % m) / 2;
        float[] out = new float[b * nh * nw * c];
        for (int n = 0; n < b; n++) {
            for (int y = 0; y < nh; y++) px.copyTo(((n * h + y + oy) * w + ox) * c, out, ((n * nh + y) * nw) * c, nw * c);
        }
        return FloatTensor.wrap(out, b, nh, nw, c);
    }
}
