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

/** ComfyUI's ImageCrop: x/y clamped into the image, the region clipped to it (Python slicing). */
public final class ImageCrop implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageCrop").displayName("Image Crop")
            .category("image/transform")
            .required(InputSpec.socket("image", Types.IMAGE),
                    InputSpec.integer("width", 512, 1, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("height", 512, 1, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("x", 0, 0, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("y", 0, 0, Limits.MAX_RESOLUTION).step(1))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor image = TensorInputs.image(in, "image");
        return NodeOutput.of(ImageOps.crop(image, in.getInt("width"), in.getInt("height"), in.getInt("x"), in.getInt("y")));
    }
}
