package org.easel.nodes.conditioning;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.Sd3Clip;

/** Encodes a prompt with the CLIP model into CONDITIONING (SD3 recipe: CLIP-L + CLIP-G + T5). */
public final class CLIPTextEncode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CLIPTextEncode").displayName("CLIP Text Encode (Prompt)")
            .category("conditioning")
            .description("Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.")
            .required(InputSpec.string("text", "").multiline().with("dynamicPrompts", true)
                            .tooltip("The text to be encoded. (word:1.2) raises a word's weight."),
                    InputSpec.socket("clip", Types.CLIP).tooltip("The CLIP model used for encoding the text."))
            .output(new OutputSpec(Types.CONDITIONING, Types.CONDITIONING, false,
                    "A conditioning containing the embedded text used to guide the diffusion model."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Sd3Clip clip = in.get("clip", Sd3Clip.class);
        return NodeOutput.of(clip.encode(OnnxRuntime.of(ctx.env()), in.getString("text")));
    }
}
