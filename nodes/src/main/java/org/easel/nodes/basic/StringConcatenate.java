package org.easel.nodes.basic;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/** ComfyUI's StringConcatenate: string_a + delimiter + string_b. */
public final class StringConcatenate implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("StringConcatenate").displayName("Concatenate")
            .category("utils/string").description("Joins two strings with a delimiter.")
            .required(InputSpec.string("string_a", "").multiline(), InputSpec.string("string_b", "").multiline(),
                    InputSpec.string("delimiter", ""))
            .output(Types.STRING).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(in.getString("string_a") + in.getString("delimiter") + in.getString("string_b"));
    }
}
