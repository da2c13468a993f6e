package org.easel.nodes.image;

import java.util.List;
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

/** ComfyUI's ImageToMask ("Convert Image to Mask"): one channel of the image as a [B,H,W] mask. */
public final class ImageToMask implements Node {
    static final List<String> CHANNELS = List.of("red", "green", "blue", "alpha");
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageToMask").displayName("Convert Image to Mask")
            .category("mask").module("comfy_extras.nodes_mask")
            .required(InputSpec.socket("image", Types.IMAGE), InputSpec.combo("channel", CHANNELS))
            .output(Types.MASK).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor image = TensorInputs.image(in, "image");
        String name = in.getString("channel");
        int c = CHANNELS.indexOf(name);
        if (c < 0 || c >= image.dim(3)) {
            throw in.error("channel", "channel: the image has " + image.dim(3) + " channels, so it has no " + name + " channel");
        }
        return NodeOutput.of(ImageOps.imageToMask(image, c));
    }
}
