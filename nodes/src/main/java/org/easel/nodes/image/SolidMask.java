package org.easel.nodes.image;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageOps;
import org.easel.nodes.types.Limits;
import org.easel.nodes.types.TensorInputs;

/** ComfyUI's SolidMask: a [1,height,width] mask filled with {@code value}. */
public final class SolidMask implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SolidMask").displayName("SolidMask")
            .category("mask").module("comfy_extras.nodes_mask")
            .required(InputSpec.number("value", 1.0, 0.0, 1.0).step(0.01),
                    InputSpec.integer("width", 512, 1, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("height", 512, 1, Limits.MAX_RESOLUTION).step(1))
            .output(Types.MASK).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        int w = in.getInt("width"), h = in.getInt("height");
        TensorInputs.checkSize(in, "width", w, h);
        TensorInputs.checkCount(in, "height", (long) w * h);
        return NodeOutput.of(ImageOps.solidMask((float) in.getDouble("value"), w, h));
    }
}
