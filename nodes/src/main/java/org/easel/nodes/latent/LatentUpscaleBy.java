package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.TensorInputs;
import org.easel.nodes.types.Latent;

/** ComfyUI's LatentUpscaleBy ("Upscale Latent By"): {@code round(w*scale_by)} × {@code round(h*scale_by)} latent pixels. */
public final class LatentUpscaleBy implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LatentUpscaleBy").displayName("Upscale Latent By")
            .category("latent")
            .required(InputSpec.socket("samples", Types.LATENT),
                    InputSpec.combo("upscale_method", LatentScaling.UPSCALE_METHODS),
                    InputSpec.number("scale_by", 1.5, 0.01, 8.0).step(0.01))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent l = TensorInputs.latent(in, "samples");
        double s = in.getDouble("scale_by");
        long w = TensorInputs.pyRound(l.width() * s), h = TensorInputs.pyRound(l.height() * s);
        if (w < 1 || h < 1) TensorInputs.checkSize(in, "scale_by", w, h);
        TensorInputs.checkSize(in, "scale_by", w * 8, h * 8);
        TensorInputs.checkCount(in, "scale_by", (long) l.batch() * l.channels() * w * h);
        return NodeOutput.of(l.withSamples(LatentScaling.upscale(l.samples(), (int) w, (int) h, in.getString("upscale_method"), "disabled")));
    }
}
