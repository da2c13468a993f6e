package org.easel.nodes.image;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageOps;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Limits;
import org.easel.nodes.types.TensorInputs;

/**
 * ComfyUI's ImageCompositeMasked: pastes source onto destination at (x, y), weighted by the optional mask
 * (bilinear-resized to the source). The source (and mask) batch is repeated or cut to the destination's
 * ({@code repeat_to_batch_size}); {@code resize_source} first resizes the source to the destination (bilinear).
 */
public final class ImageCompositeMasked implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageCompositeMasked").displayName("ImageCompositeMasked")
            .category("image").module("comfy_extras.nodes_mask")
            .required(InputSpec.socket("destination", Types.IMAGE), InputSpec.socket("source", Types.IMAGE),
                    InputSpec.integer("x", 0, 0, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("y", 0, 0, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.bool("resize_source", false))
            .optional(InputSpec.socket("mask", Types.MASK))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor dst = TensorInputs.image(in, "destination"), src = TensorInputs.image(in, "source");
        if (src.dim(3) != dst.dim(3)) {
            throw in.error("source", "source has " + src.dim(3) + " channels but destination has " + dst.dim(3));
        }
        int b = dst.dim(0);
        src = TensorInputs.repeatToBatch(src, b);
        FloatTensor mask = in.has("mask") ? TensorInputs.repeatToBatch(TensorInputs.mask(in, "mask"), b) : null;
        return NodeOutput.of(ImageOps.compositeMasked(dst, src, in.getInt("x"), in.getInt("y"), in.getBool("resize_source"), mask));
    }
}
