package org.easel.nodes.loaders;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.nodes.sd3.Sd3Checkpoint;

/** Loads an SD3 checkpoint folder (Optimum ONNX layout) from {@code models/checkpoints}: MODEL, CLIP, VAE. */
public final class CheckpointLoaderSimple implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CheckpointLoaderSimple").displayName("Load Checkpoint")
            .category("loaders").description("Loads a diffusion model checkpoint (an ONNX export folder in models/checkpoints).")
            .required(InputSpec.combo("ckpt_name", env -> ModelFolders.list(env, "checkpoints"))
                    .tooltip("The name of the checkpoint (model) to load."))
            .output(new OutputSpec(Types.MODEL, Types.MODEL, false, "The model used for denoising latents."))
            .output(new OutputSpec(Types.CLIP, Types.CLIP, false, "The CLIP model used for encoding text prompts."))
            .output(new OutputSpec(Types.VAE, Types.VAE, false,
                    "The VAE model used for encoding and decoding images to and from latent space."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Sd3Checkpoint c = Sd3Checkpoint.read(ModelFolders.resolve(ctx.env(), "checkpoints", in.getString("ckpt_name")));
        return NodeOutput.of(c.model(), c.clip(), c.vae());
    }
}
