package org.easel.nodes.latent;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.TensorInputs;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/**
 * ComfyUI's LatentFromBatch: items {@code batch_index .. batch_index+length-1} (start clamped to the last
 * item, length to what remains). A noise mask with a batch of one is kept; a batched one is repeated to
 * the latent batch and sliced alike. The batch index moves by {@code batch_index} so noise stays per item.
 */
public final class LatentFromBatch implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LatentFromBatch").displayName("Latent From Batch")
            .category("latent/batch")
            .required(InputSpec.socket("samples", Types.LATENT),
                    InputSpec.integer("batch_index", 0, 0, 63),
                    InputSpec.integer("length", 1, 1, 64))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent l = TensorInputs.latent(in, "samples");
        int b = l.batch();
        int start = Math.min(b - 1, in.getInt("batch_index"));
        int length = Math.min(b - start, in.getInt("length"));
        FloatTensor s = TensorInputs.sliceBatch(l.samples(), start, start + length);
        FloatTensor mask = l.noiseMask();
        if (mask != null && mask.dim(0) != 1) {
            if (mask.dim(0) < b) mask = TensorInputs.repeatToBatch(mask, b);
            mask = TensorInputs.sliceBatch(mask, start, start + length);
        }
        return NodeOutput.of(new Latent(s, mask, l.batchIndex() + start));
    }
}
