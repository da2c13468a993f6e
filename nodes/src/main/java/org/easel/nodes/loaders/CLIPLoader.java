package org.easel.nodes.loaders;

import java.util.List;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.ModelFolders;

/** Loads one text encoder; with SD3 the missing encoders contribute zeros (ComfyUI's behaviour). */
public final class CLIPLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CLIPLoader").displayName("Load CLIP")
            .category("advanced/loaders").description("Loads one text encoder from models/text_encoders.")
            .required(InputSpec.combo("clip_name", env -> ModelFolders.list(env, "text_encoders")),
                    InputSpec.combo("type", List.of("sd3", "stable_diffusion")))
            .optional(InputSpec.combo("device", List.of("default", "cpu")))
            .output(Types.CLIP).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(TextEncoderFiles.combine(List.of("clip_name"),
                List.of(TextEncoderFiles.load(ctx.env(), in.getString("clip_name")))));
    }
}
