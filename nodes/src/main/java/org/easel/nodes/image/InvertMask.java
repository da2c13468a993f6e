package org.easel.nodes.image;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageOps;
import org.easel.nodes.types.TensorInputs;

/** ComfyUI's InvertMask: {@code 1 - mask} (a [H,W] mask comes out as [1,H,W]). */
public final class InvertMask implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("InvertMask").displayName("InvertMask")
            .category("mask").module("comfy_extras.nodes_mask")
            .required(InputSpec.socket("mask", Types.MASK))
            .output(Types.MASK).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(ImageOps.invertMask(TensorInputs.mask(in, "mask")));
    }
}
