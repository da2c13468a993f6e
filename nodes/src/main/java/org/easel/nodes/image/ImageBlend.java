package org.easel.nodes.image;

import java.util.Arrays;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageOps;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.TensorInputs;

/**
 * ComfyUI's ImageBlend: {@code clamp(image1*(1-f) + mode(image1, image2)*f, 0, 1)}; image2 is resized to
 * image1's size first (bicubic, center crop) when they differ; a batch of one is repeated against the other.
 */
public final class ImageBlend implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageBlend").displayName("Image Blend")
            .category("image/postprocessing").module("comfy_extras.nodes_post_processing")
            .required(InputSpec.socket("image1", Types.IMAGE), InputSpec.socket("image2", Types.IMAGE),
                    InputSpec.number("blend_factor", 0.5, 0.0, 1.0).step(0.01),
                    InputSpec.combo("blend_mode", Arrays.stream(ImageOps.BlendMode.values()).map(ImageOps.BlendMode::comfyName).toList()))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor a = TensorInputs.image(in, "image1"), b = TensorInputs.image(in, "image2");
        if (a.dim(3) != b.dim(3)) {
            throw in.error("image2", "image2 has " + b.dim(3) + " channels but image1 has " + a.dim(3));
        }
        if (a.dim(0) != b.dim(0) && a.dim(0) != 1 && b.dim(0) != 1) {
            throw in.error("image2", "image2: batch of " + b.dim(0) + " does not match image1's batch of " + a.dim(0)
                    + " (one of them must be 1 or both equal)");
        }
        return NodeOutput.of(ImageOps.blend(a, b, in.getDouble("blend_factor"), ImageOps.BlendMode.fromName(in.getString("blend_mode"))));
    }
}
