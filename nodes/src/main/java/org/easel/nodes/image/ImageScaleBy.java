package org.easel.nodes.image;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.TensorInputs;

/** ComfyUI's ImageScaleBy ("Upscale Image By"): {@code round(W*scale_by)} × {@code round(H*scale_by)}, no crop. */
public final class ImageScaleBy implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageScaleBy").displayName("Upscale Image By")
            .category("image/upscaling")
            .required(InputSpec.socket("image", Types.IMAGE),
                    InputSpec.combo("upscale_method", ImageScaling.UPSCALE_METHODS),
                    InputSpec.number("scale_by", 1.0, 0.01, 8.0).step(0.01))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor image = TensorInputs.image(in, "image");
        double s = in.getDouble("scale_by");
        long w = TensorInputs.pyRound(image.dim(2) * s), h = TensorInputs.pyRound(image.dim(1) * s);
        TensorInputs.checkSize(in, "scale_by", w, h);
        TensorInputs.checkCount(in, "scale_by", (long) image.dim(0) * w * h * image.dim(3));
        return NodeOutput.of(ImageScaling.scaleImage(image, (int) w, (int) h,
                ImageScaling.Method.fromName(in.getString("upscale_method")), ImageScaling.Crop.DISABLED));
    }
}
