package org.easel.nodes.sampling;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.sd3.Sd3Model;

/** Sets the flow-matching shift of an SD3 model (higher = more time at high noise). */
public final class ModelSamplingSD3 implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ModelSamplingSD3").displayName("ModelSamplingSD3")
            .category("advanced/model").description("Sets the timestep shift of a flow-matching (SD3) model.")
            .required(InputSpec.socket("model", Types.MODEL), InputSpec.number("shift", 3.0, 0.0, 100.0).step(0.01))
            .output(Types.MODEL).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(in.get("model", Sd3Model.class).withShift(in.getDouble("shift")));
    }
}
