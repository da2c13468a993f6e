package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.types.TensorInputs;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/**
 * ComfyUI's LatentBlend: {@code samples1*blend_factor + samples2*(1-blend_factor)} (note: the factor weighs
 * samples1). samples2 is resized to samples1's size (bicubic, center crop) when they differ; a batch of
 * one is broadcast. The noise mask and batch index of samples1 are kept.
 */
public final class LatentBlend implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LatentBlend").displayName("Latent Blend")
            .category("_for_testing")
            .required(InputSpec.socket("samples1", Types.LATENT), InputSpec.socket("samples2", Types.LATENT),
                    InputSpec.number("blend_factor", 0.5, 0.0, 1.0).step(0.01))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent l1 = TensorInputs.latent(in, "samples1"), l2 = TensorInputs.latent(in, "samples2");
        FloatTensor s1 = l1.samples(), s2 = l2.samples();
        if (s1.dim(1) != s2.dim(1)) {
            throw in.error("samples2", "samples2 has " + s2.dim(1) + " channels but samples1 has " + s1.dim(1));
        }
        int b1 = s1.dim(0), b2 = s2.dim(0);
        if (b1 != b2 && b1 != 1 && b2 != 1) {
            throw in.error("samples2", "samples2: batch of " + b2 + " does not match samples1's batch of " + b1
                    + " (one of them must be 1 or both equal)");
        }
        if (s2.dim(2) != s1.dim(2) || s2.dim(3) != s1.dim(3)) {
            s2 = ImageScaling.scalePlanar(s2, s1.dim(3), s1.dim(2), ImageScaling.Method.BICUBIC, ImageScaling.Crop.CENTER);
        }
        float f = (float) in.getDouble("blend_factor"), g = (float) (1.0 - in.getDouble("blend_factor"));
        int b = Math.max(b1, b2), item = s1.size() / b1;
        float[] a = s1.toArray(), o = s2.toArray(), out = new float[b * item];
        for (int bi = 0; bi < b; bi++) {
            int ia = (b1 == 1 ? 0 : bi) * item, io = (b2 == 1 ? 0 : bi) * item, oo = bi * item;
            for (int i = 0; i < item; i++) out[oo + i] = a[ia + i] * f + o[io + i] * g;
        }
        return NodeOutput.of(l1.withSamples(FloatTensor.wrap(out, b, s1.dim(1), s1.dim(2), s1.dim(3))));
    }
}
