package org.easel.nodes.loaders;

import java.util.List;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.ModelFolders;

/** Loads two text encoders (for SD3: CLIP-L and CLIP-G without T5). */
public final class DualCLIPLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("DualCLIPLoader").displayName("DualCLIPLoader")
            .category("advanced/loaders").description("Recipes:\nsd3: clip-l, clip-g (no T5)")
            .required(InputSpec.combo("clip_name1", env -> ModelFolders.list(env, "text_encoders")),
                    InputSpec.combo("clip_name2", env -> ModelFolders.list(env, "text_encoders")),
                    InputSpec.combo("type", List.of("sd3", "sdxl", "flux")))
            .optional(InputSpec.combo("device", List.of("default", "cpu")))
            .output(Types.CLIP).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validate(NodeInputs in, Environment env) {
        Object type = in.get("type");
        return type != null && !"sd3".equals(type) ? "type: only 'sd3' text encoders are supported so far, not '" + type + "'" : null;
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        List<String> names = List.of("clip_name1", "clip_name2");
        return NodeOutput.of(TextEncoderFiles.combine(names, names.stream()
                .map(n -> TextEncoderFiles.load(ctx.env(), in.getString(n))).toList()));
    }
}
