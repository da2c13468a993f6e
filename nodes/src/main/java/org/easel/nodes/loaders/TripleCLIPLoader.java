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

/** Loads SD3's three text encoders (CLIP-L, CLIP-G, T5) from {@code models/text_encoders}. */
public final class TripleCLIPLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("TripleCLIPLoader").displayName("Load CLIP (Triple)")
            .category("advanced/loaders").description("Recipes:\nsd3: clip-l, clip-g, t5")
            .required(InputSpec.combo("clip_name1", env -> ModelFolders.list(env, "text_encoders")),
                    InputSpec.combo("clip_name2", env -> ModelFolders.list(env, "text_encoders")),
                    InputSpec.combo("clip_name3", env -> ModelFolders.list(env, "text_encoders")))
            .optional(InputSpec.combo("device", List.of("default", "cpu")))
            .output(Types.CLIP).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        List<String> names = List.of("clip_name1", "clip_name2", "clip_name3");
        return NodeOutput.of(TextEncoderFiles.combine(names, names.stream()
                .map(n -> TextEncoderFiles.load(ctx.env(), in.getString(n))).toList()));
    }
}
