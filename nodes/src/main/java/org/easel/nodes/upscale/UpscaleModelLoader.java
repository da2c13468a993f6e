package org.easel.nodes.upscale;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.types.FloatTensor;

/**
 * Loads an ONNX upscaler from {@code models/upscale_models}. The scale is read from the model's declared
 * output shape when static, else found by running it once on a small probe image.
 */
public final class UpscaleModelLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("UpscaleModelLoader").displayName("Load Upscale Model")
            .category("loaders").description("Loads an image upscaling model (ONNX) from models/upscale_models.")
            .required(InputSpec.combo("model_name", env -> ModelFolders.list(env, "upscale_models")))
            .output(Types.UPSCALE_MODEL).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws OrtException {
        Path p = ModelFolders.resolve(ctx.env(), "upscale_models", in.getString("model_name"));
        Path file = Files.isDirectory(p) ? p.resolve("model.onnx") : p;
        try (OnnxRuntime.Lease lease = OnnxRuntime.of(ctx.env()).acquire(file)) {
            ModelSession s = lease.session();
            if (s.inputNames().size() != 1 || s.outputNames().isEmpty()) {
                throw in.error("model_name", "Upscale model must be a single-image model.");
            }
            String input = s.inputNames().iterator().next();
            TensorInfo info = s.inputInfo(input);
            long[] shape = info.getShape();
            if (shape.length != 4 || (shape[1] > 0 && shape[1] != 3)) {
                throw in.error("model_name", "Upscale model must be a single-image model taking [B,3,H,W]; this one takes "
                        + Arrays.toString(shape));
            }
            int probe = 16;
            String out = s.outputNames().iterator().next();
            FloatTensor r = s.run(Map.of(input, ModelSession.Input.of(new float[3 * probe * probe], 1, 3, probe, probe)), out).get(out);
            if (r.rank() != 4 || r.dim(2) % probe != 0 || r.dim(2) / probe != r.dim(3) / probe || r.dim(2) < probe) {
                throw in.error("model_name", "cannot tell the scale of this upscaler: a " + probe + "×" + probe + " input gave " + r);
            }
            return NodeOutput.of(new UpscaleModel(file, r.dim(2) / probe));
        }
    }
}
