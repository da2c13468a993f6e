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
 * ComfyUI's ImagePadForOutpaint ("Pad Image for Outpainting"): grey (0.5) padding, and a [1,H',W'] mask that
 * is 1 in the padding and feathered inside the original area.
 */
public final class ImagePadForOutpaint implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImagePadForOutpaint").displayName("Pad Image for Outpainting")
            .category("image")
            .required(InputSpec.socket("image", Types.IMAGE),
                    InputSpec.integer("left", 0, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("top", 0, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("right", 0, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("bottom", 0, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("feathering", 40, 0, Limits.MAX_RESOLUTION).step(1))
            .output(Types.IMAGE).output(Types.MASK).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor image = TensorInputs.image(in, "image");
        int left = in.getInt("left"), top = in.getInt("top"), right = in.getInt("right"), bottom = in.getInt("bottom");
        long w = (long) image.dim(2) + left + right, h = (long) image.dim(1) + top + bottom;
        if (w > Limits.MAX_RESOLUTION) TensorInputs.checkSize(in, right >= left ? "right" : "left", w, h);
        TensorInputs.checkSize(in, bottom >= top ? "bottom" : "top", w, h);
        TensorInputs.checkCount(in, "image", (long) image.dim(0) * w * h * image.dim(3));
        ImageOps.Padded p = ImageOps.padForOutpaint(image, left, top, right, bottom, in.getInt("feathering"));
        return NodeOutput.of(p.image(), p.mask());
    }
}
