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
import org.easel.nodes.types.TensorInputs;

/** ComfyUI's MaskToImage ("Convert Mask to Image"): the mask repeated into 3 grey channels. */
public final class MaskToImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("MaskToImage").displayName("Convert Mask to Image")
            .category("mask").module("comfy_extras.nodes_mask")
            .required(InputSpec.socket("mask", Types.MASK))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor m = TensorInputs.mask(in, "mask");
        TensorInputs.checkCount(in, "mask", 3L * m.size());
        return NodeOutput.of(ImageOps.maskToImage(m));
    }
}
