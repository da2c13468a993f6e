package org.easel.nodes.image;

import java.nio.file.Path;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.codec.ImageConvert;

/**
 * Loads an image from the input folder (PNG, JPEG, WebP, BMP, GIF): IMAGE [1,H,W,3] and MASK = 1 − alpha.
 * Re-runs when the file's bytes change (its SHA-256 is the fingerprint).
 */
public final class LoadImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LoadImage").displayName("Load Image")
            .category("image").description("Loads an image from the input folder.")
            .required(InputSpec.combo("image", InputFiles::images).with("image_upload", true).selfValidated())
            .output(Types.IMAGE).output(Types.MASK).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validate(NodeInputs in, Environment env) {
        return InputFiles.invalidImage(env, in.get("image"));
    }

    @Override
    public Object fingerprint(NodeInputs in, Environment env) throws Exception {
        Path p = InputFiles.resolve(env, in.getString("image"));
        return p == null ? null : InputFiles.sha256(p);
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Path p = InputFiles.resolve(ctx.env(), in.getString("image"));
        if (p == null) throw in.error("image", "Invalid image file: " + in.getString("image"));
        ImageConvert.Loaded l;
        try {
            l = ImageConvert.load(p);
        } catch (IllegalArgumentException e) {
            throw in.error("image", e.getMessage());
        }
        return NodeOutput.of(l.image(), l.mask());
    }
}
