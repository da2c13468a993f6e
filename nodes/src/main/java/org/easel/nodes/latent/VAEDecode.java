package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.Sd3Vae;
import org.easel.nodes.types.Latent;

/** Decodes latents to IMAGE with the VAE decoder. */
public final class VAEDecode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEDecode").displayName("VAE Decode")
            .category("latent").description("Decodes latent images back into pixel space images.")
            .required(InputSpec.socket("samples", Types.LATENT).tooltip("The latent to be decoded."),
                    InputSpec.socket("vae", Types.VAE).tooltip("The VAE model used for decoding the latent."))
            .output(new OutputSpec(Types.IMAGE, Types.IMAGE, false, "The decoded image."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent l = in.get("samples", Latent.class);
        Sd3Vae vae = in.get("vae", Sd3Vae.class);
        if (l.channels() != 16) {
            throw in.error("samples", "the latent has " + l.channels() + " channels but this VAE decodes 16 (SD3)");
        }
        return NodeOutput.of(vae.decode(OnnxRuntime.of(ctx.env()), l.samples()));
    }
}
