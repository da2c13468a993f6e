package org.easel.nodes.conditioning;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.Conditioning;

/** Limits a conditioning to part of the denoising (start..end as fractions, 0 = first step). */
public final class ConditioningSetTimestepRange implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ConditioningSetTimestepRange")
            .displayName("ConditioningSetTimestepRange").category("advanced/conditioning")
            .description("Applies the conditioning only between start and end (fractions of the denoising).")
            .required(InputSpec.socket("conditioning", Types.CONDITIONING),
                    InputSpec.number("start", 0.0, 0.0, 1.0).step(0.001),
                    InputSpec.number("end", 1.0, 0.0, 1.0).step(0.001))
            .output(Types.CONDITIONING).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        double s = in.getDouble("start");
        double e = in.getDouble("end");
        Conditioning c = in.get("conditioning", Conditioning.class);
        return NodeOutput.of(new Conditioning(c.entries().stream().map(x -> x.withRange(s, e)).toList()));
    }
}
