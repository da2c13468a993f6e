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

/**
 * ComfyUI's ImageScaleToTotalPixels: scale so that W×H ≈ megapixels × 1024², each side rounded to a
 * multiple of {@code resolution_steps} (newer ComfyUI; optional here, default 1 = the classic node).
 */
public final class ImageScaleToTotalPixels implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageScaleToTotalPixels").displayName("ImageScaleToTotalPixels")
            .category("image/upscaling").module("comfy_extras.nodes_post_processing")
            .required(InputSpec.socket("image", Types.IMAGE),
                    InputSpec.combo("upscale_method", ImageScaling.UPSCALE_METHODS),
                    InputSpec.number("megapixels", 1.0, 0.01, 16.0).step(0.01))
            .optional(InputSpec.integer("resolution_steps", 1, 1, 256))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor image = TensorInputs.image(in, "image");
        double mp = in.getDouble("megapixels");
        int steps = in.has("resolution_steps") ? in.getInt("resolution_steps") : 1;
        double s = Math.sqrt(mp * 1024 * 1024 / ((double) image.dim(2) * image.dim(1)));
        long w = TensorInputs.pyRound(image.dim(2) * s / steps) * steps;
        long h = TensorInputs.pyRound(image.dim(1) * s / steps) * steps;
        TensorInputs.checkSize(in, w < 1 || h < 1 ? (steps > 1 ? "resolution_steps" : "megapixels") : "megapixels", w, h);
        TensorInputs.checkCount(in, "megapixels", (long) image.dim(0) * w * h * image.dim(3));
        return NodeOutput.of(ImageScaling.scaleImage(image, (int) w, (int) h,
                ImageScaling.Method.fromName(in.getString("upscale_method")), ImageScaling.Crop.DISABLED));
    }
}
