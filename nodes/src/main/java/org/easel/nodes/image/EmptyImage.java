package org.easel.nodes.image;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Limits;
import org.easel.nodes.types.TensorInputs;

/** ComfyUI's EmptyImage: a batch of images filled with the RGB colour {@code 0xRRGGBB}. */
public final class EmptyImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("EmptyImage").displayName("EmptyImage")
            .category("image")
            .required(InputSpec.integer("width", 512, 1, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("height", 512, 1, Limits.MAX_RESOLUTION).step(1),
                    InputSpec.integer("batch_size", 1, 1, 4096),
                    InputSpec.integer("color", 0, 0, 0xFFFFFF).step(1).with("display", "color"))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        int w = in.getInt("width"), h = in.getInt("height"), b = in.getInt("batch_size"), color = in.getInt("color");
        TensorInputs.checkSize(in, "width", w, h);
        TensorInputs.checkCount(in, "batch_size", 3L * b * w * h);
        float r = ((color >> 16) & 0xFF) / 255f, g = ((color >> 8) & 0xFF) / 255f, bl = (color & 0xFF) / 255f;
        float[] d = new float[3 * b * w * h];
        for (int i = 0; i < d.length; i += 3) {
            d[i] = r;
            d[i + 1] = g;
            d[i + 2] = bl;
        }
        return NodeOutput.of(FloatTensor.wrap(d, b, h, w, 3));
    }
}
