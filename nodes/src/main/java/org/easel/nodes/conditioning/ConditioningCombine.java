package org.easel.nodes.conditioning;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.Conditioning;

/** Joins two conditionings; the sampler averages their predictions. */
public final class ConditioningCombine implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ConditioningCombine").displayName("Conditioning (Combine)")
            .category("conditioning").description("Combines two conditionings (their predictions are averaged).")
            .required(InputSpec.socket("conditioning_1", Types.CONDITIONING), InputSpec.socket("conditioning_2", Types.CONDITIONING))
            .output(Types.CONDITIONING).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(in.get("conditioning_1", Conditioning.class).plus(in.get("conditioning_2", Conditioning.class)));
    }
}
