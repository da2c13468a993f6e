package org.easel.nodes.loaders;

import java.nio.file.Files;
import java.nio.file.Path;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.nodes.sd3.Sd3Vae;

/**
 * Loads a VAE from {@code models/vae}: a folder with {@code vae_decoder/model.onnx} (and optionally
 * {@code vae_encoder/model.onnx}), a folder with a decoder {@code model.onnx}, or a decoder {@code .onnx} file.
 */
public final class VAELoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAELoader").displayName("Load VAE")
            .category("loaders").description("Loads a VAE (ONNX decoder and encoder) from models/vae.")
            .required(InputSpec.combo("vae_name", env -> ModelFolders.list(env, "vae")))
            .output(Types.VAE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Path p = ModelFolders.resolve(ctx.env(), "vae", in.getString("vae_name"));
        if (Files.isDirectory(p)) {
            Path dec = p.resolve("vae_decoder/model.onnx");
            if (Files.exists(dec)) {
                Path enc = p.resolve("vae_encoder/model.onnx");
                return NodeOutput.of(new Sd3Vae(dec, Files.exists(enc) ? enc : null));
            }
            return NodeOutput.of(new Sd3Vae(p.resolve("model.onnx"), null));
        }
        return NodeOutput.of(new Sd3Vae(p, null));
    }
}
