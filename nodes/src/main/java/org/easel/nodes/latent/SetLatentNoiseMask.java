package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/** Marks the part of a latent the sampler may change (mask 1); the rest is kept. */
public final class SetLatentNoiseMask implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SetLatentNoiseMask").displayName("Set Latent Noise Mask")
            .category("latent/inpaint").description("Limits denoising to the masked area (1 = repaint).")
            .required(InputSpec.socket("samples", Types.LATENT), InputSpec.socket("mask", Types.MASK))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor m = in.get("mask", FloatTensor.class);
        if (m.rank() == 2) m = m.reshape(1, m.dim(0), m.dim(1));
        if (m.rank() != 3) throw in.error("mask", "expected a MASK [B,H,W], got " + m);
        return NodeOutput.of(in.get("samples", Latent.class).withNoiseMask(m));
    }
}
