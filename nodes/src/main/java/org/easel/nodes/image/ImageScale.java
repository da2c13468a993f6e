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
import org.easel.nodes.types.Limits;
import org.easel.nodes.types.TensorInputs;

/**
 * ComfyUI's ImageScale ("Upscale Image"): resize to width × height; both 0 passes the image through,
 * one 0 keeps the aspect ratio ({@code max(1, round(...))}).
 */
public final class ImageScale implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageScale").displayName("Upscale Image")
            .category("image/upscaling")
            .required(InputSpec.socket("image", Types.IMAGE),
                    InputSpec.combo("upscale_method", ImageScaling.UPSCALE_METHODS),
                    InputSpec.integer("width", 512, 0, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("height", 512, 0, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.combo("crop", ImageScaling.CROP_METHODS))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor image = TensorInputs.image(in, "image");
        int width = in.getInt("width"), height = in.getInt("height");
        int[] size = ImageScaling.imageScaleSize(image.dim(2), image.dim(1), width, height);
        if (size == null) return NodeOutput.of(image);
        TensorInputs.checkSize(in, width == 0 ? "height" : "width", size[0], size[1]);
        TensorInputs.checkCount(in, "width", (long) image.dim(0) * size[0] * size[1] * image.dim(3));
        try {
            return NodeOutput.of(ImageScaling.scaleImage(image, size[0], size[1],
                    ImageScaling.Method.fromName(in.getString("upscale_method")), ImageScaling.Crop.fromName(in.getString("crop"))));
        } catch (IllegalArgumentException e) {
            throw in.error("crop", "crop: " + e.getMessage());
        }
    }
}
