package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.Limits;

/**
 * An empty 4-channel latent (SD1.5/SDXL size). With an SD3 model the sampler widens an all-zero latent
 * to 16 channels, as ComfyUI does, so old workflows still run.
 */
public final class EmptyLatentImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("EmptyLatentImage").displayName("Empty Latent Image")
            .category("latent").description("Create a new batch of empty latent images to be denoised via sampling.")
            .required(InputSpec.integer("width", 512, 16, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("height", 512, 16, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("batch_size", 1, 1, 4096))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(EmptySD3LatentImage.empty(in, 4));
    }
}
