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
import org.easel.nodes.types.Limits;

/** An empty 16-channel SD3 latent batch of width/8 × height/8. */
public final class EmptySD3LatentImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("EmptySD3LatentImage").displayName("EmptySD3LatentImage")
            .category("latent/sd3").description("Creates an empty SD3 latent (16 channels) for text-to-image.")
            .required(InputSpec.integer("width", 1024, 16, Limits.MAX_RESOLUTION).step(16),
                    InputSpec.integer("height", 1024, 16, Limits.MAX_RESOLUTION).step(16),
                    InputSpec.integer("batch_size", 1, 1, 4096))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(empty(in, 16));
    }

    static Latent empty(NodeInputs in, int channels) {
        int w = in.getInt("width") / 8;
        int h = in.getInt("height") / 8;
        int b = in.getInt("batch_size");
        long n = (long) b * channels * h * w;
        if (n > Integer.MAX_VALUE / 2) throw in.error("batch_size", "a batch of " + b + " latents of " + (w * 8) + "×" + (h * 8) + " is too large");
        return new Latent(FloatTensor.zeros(b, channels, h, w));
    }
}
