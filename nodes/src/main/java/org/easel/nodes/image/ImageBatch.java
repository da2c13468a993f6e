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
 * ComfyUI's ImageBatch ("Batch Images"): image2 appended to image1. When one image has one channel more
 * (e.g. RGBA vs RGB) the other is padded by repeating its last channel, and image2 is resized to image1's
 * size (bilinear, center crop) when the sizes differ.
 */
public final class ImageBatch implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageBatch").displayName("Batch Images")
            .category("image")
            .required(InputSpec.socket("image1", Types.IMAGE), InputSpec.socket("image2", Types.IMAGE))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        FloatTensor a = TensorInputs.image(in, "image1"), b = TensorInputs.image(in, "image2");
        int ca = a.dim(3), cb = b.dim(3);
        if (ca != cb) {
            if (Math.abs(ca - cb) != 1) {
                throw in.error("image2", "image2: cannot batch an image of " + cb + " channels with one of " + ca + " channels");
            }
            if (ca > cb) b = padLastChannel(b);
            else a = padLastChannel(a);
        }
        if (a.dim(1) != b.dim(1) || a.dim(2) != b.dim(2)) {
            b = ImageScaling.scaleImage(b, a.dim(2), a.dim(1), ImageScaling.Method.BILINEAR, ImageScaling.Crop.CENTER);
        }
        TensorInputs.checkCount(in, "image2", (long) a.size() + b.size());
        return NodeOutput.of(TensorInputs.concatBatch(a, b));
    }

    /** {@code F.pad(t, (0, 1), mode='replicate')}: one more channel, a copy of the last. */
    static FloatTensor padLastChannel(FloatTensor t) {
        int c = t.dim(3), n = t.size() / c;
        float[] s = t.toArray(), d = new float[n * (c + 1)];
        for (int p = 0; p < n; p++) {
            System.arraycopy(s, p * c, d, p * (c + 1), c);
            d[p * (c + 1) + c] = s[p * c + c - 1];
        }
        return FloatTensor.wrap(d, t.dim(0), t.dim(1), t.dim(2), c + 1);
    }
}
