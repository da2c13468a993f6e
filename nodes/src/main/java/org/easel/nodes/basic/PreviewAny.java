package org.easel.nodes.basic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/** ComfyUI's PreviewAny: an output node that shows any value as text. */
public final class PreviewAny implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("PreviewAny").displayName("Preview Any")
            .category("utils").description("Shows any value as text.")
            .required(InputSpec.socket("source", Types.ANY)).outputNode().build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Object v = in.get("source");
        String text = v instanceof JsonNode j && j.isTextual() ? j.asText() : String.valueOf(v);
        return NodeOutput.withUi(Map.of("text", List.of(text)));
    }
}
