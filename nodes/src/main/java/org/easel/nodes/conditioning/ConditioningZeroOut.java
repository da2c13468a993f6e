package org.easel.nodes.conditioning;

import java.util.List;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;

/** Zeroes the text states and pooled vector of every entry (SD3's usual negative). */
public final class ConditioningZeroOut implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ConditioningZeroOut").displayName("ConditioningZeroOut")
            .category("advanced/conditioning").description("Zeroes the conditioning tensors (keeps their shapes and ranges).")
            .required(InputSpec.socket("conditioning", Types.CONDITIONING))
            .output(Types.CONDITIONING).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Conditioning c = in.get("conditioning", Conditioning.class);
        List<Conditioning.Entry> out = c.entries().stream().map(e -> new Conditioning.Entry(
                FloatTensor.zeros(e.context().shape()), FloatTensor.zeros(e.pooled().shape()), e.start(), e.end(), e.strength()))
                .toList();
        return NodeOutput.of(new Conditioning(out));
    }
}
