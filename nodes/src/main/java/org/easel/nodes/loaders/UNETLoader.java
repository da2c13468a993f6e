package org.easel.nodes.loaders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.nodes.sd3.Sd3Model;

/** Loads a diffusion model (an SD3 transformer ONNX file or folder) from {@code models/diffusion_models}. */
public final class UNETLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("UNETLoader").displayName("Load Diffusion Model")
            .category("advanced/loaders").description("Loads an SD3 transformer (ONNX) from models/diffusion_models.")
            .required(InputSpec.combo("unet_name", env -> ModelFolders.list(env, "diffusion_models")),
                    InputSpec.combo("weight_dtype", List.of("default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2")))
            .output(Types.MODEL).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Path p = ModelFolders.resolve(ctx.env(), "diffusion_models", in.getString("unet_name"));
        Path file = Files.isDirectory(p) ? p.resolve("model.onnx") : p;
        return NodeOutput.of(Sd3Model.of(file, 3.0));
    }
}
