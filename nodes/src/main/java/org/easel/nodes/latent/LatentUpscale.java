package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.types.Limits;
import org.easel.nodes.types.TensorInputs;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/**
 * ComfyUI's LatentUpscale ("Upscale Latent"): width/height in pixels (latent = px // 8), each at least 64;
 * both 0 passes the latent through, one 0 keeps the aspect ratio. The noise mask and batch index are kept
 * as they are (the sampler resizes the mask).
 */
public final class LatentUpscale implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LatentUpscale").displayName("Upscale Latent")
            .category("latent")
            .required(InputSpec.socket("samples", Types.LATENT),
                    InputSpec.combo("upscale_method", LatentScaling.UPSCALE_METHODS),
                    InputSpec.integer("width", 512, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("height", 512, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.combo("crop", ImageScaling.CROP_METHODS))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent l = TensorInputs.latent(in, "samples");
        long width = in.getInt("width"), height = in.getInt("height");
        if (width == 0 && height == 0) return NodeOutput.of(l);
        String driver = "width";
        if (width == 0) {
            height = Math.max(64, height);
            width = Math.max(64, TensorInputs.pyRound((double) l.width() * height / l.height()));
            driver = "height";
        } else if (height == 0) {
            width = Math.max(64, width);
            height = Math.max(64, TensorInputs.pyRound((double) l.height() * width / l.width()));
        } else {
            width = Math.max(64, width);
            height = Math.max(64, height);
        }
        TensorInputs.checkSize(in, driver, width, height);
        TensorInputs.checkCount(in, driver, (long) l.batch() * l.channels() * (width / 8) * (height / 8));
        FloatTensor s;
        try {
            s = LatentScaling.upscale(l.samples(), (int) (width / 8), (int) (height / 8), in.getString("upscale_method"), in.getString("crop"));
        } catch (IllegalArgumentException e) {
            throw in.error("crop", "crop: " + e.getMessage());
        }
        return NodeOutput.of(l.withSamples(s));
    }
}
