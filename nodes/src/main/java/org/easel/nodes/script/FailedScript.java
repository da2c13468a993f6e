package org.easel.nodes.script;

import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeException;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.NodeSchema;

/**
 * Stands in for a script file that failed to load: listed under its file name in the category
 * "script/failed to load" with the reason as its description; any workflow using it is invalid.
 */
final class FailedScript implements Node {
    private final NodeSchema schema;
    private final String reason;

    FailedScript(String fileName, String reason) {
        this.reason = reason;
        this.schema = NodeSchema.builder(fileName).category("script/failed to load")
                .description("failed to load: " + reason).module("custom_nodes." + fileName).build();
    }

    String reason() { return reason; }

    @Override public NodeSchema schema() { return schema; }

    @Override
    public String validate(NodeInputs literals, Environment env) {
        return "the script failed to load: " + reason;
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs inputs) {
        throw new NodeException(inputs.nodeId(), inputs.classType(), null, "the script failed to load: " + reason);
    }
}
