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
 * ComfyUI's RepeatLatentBatch: the whole batch repeated {@code amount} times. A batched noise mask is
 * repeated alike (first padded to the latent batch); a mask of batch one is kept. The batch indices of
 * the copies continue after the original's, so the batch index of the first item is unchanged.
 */
public final class RepeatLatentBatch implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("RepeatLatentBatch").displayName("Repeat Latent Batch")
            .category("latent/batch")
            .required(InputSpec.socket("samples", Types.LATENT), InputSpec.integer("amount", 1, 1, 64))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent l = TensorInputs.latent(in, "samples");
        int amount = in.getInt("amount"), b = l.batch();
        TensorInputs.checkCount(in, "amount", (long) l.samples().size() * amount);
        FloatTensor s = TensorInputs.repeatToBatch(l.samples(), b * amount);
        FloatTensor mask = l.noiseMask();
        if (mask != null && mask.dim(0) > 1) {
            if (mask.dim(0) < b) mask = TensorInputs.repeatToBatch(mask, b);
            mask = TensorInputs.repeatToBatch(mask, mask.dim(0) * amount);
        }
        return NodeOutput.of(new Latent(s, mask, l.batchIndex()));
    }
}
