package org.easel.nodes.script;

import java.util.function.Supplier;
import org.easel.engine.Environment;
import org.easel.engine.ExecutionInterruptedException;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeException;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.NodeSchema;

/**
 * A node type defined by a script file. Its cache fingerprint is the hash of the script's source, so
 * editing the script re-runs the node even with unchanged inputs.
 */
public final class ScriptNode implements Node {
    private final ScriptFile script;
    private final int index;

    ScriptNode(ScriptFile script, int index) {
        this.script = script;
        this.index = index;
    }

    public ScriptFile script() { return script; }

    @Override
    public NodeSchema schema() { return script.schemas().get(index); }

    @Override
    public Object fingerprint(NodeInputs literals, Environment env) {
        return "script " + script.hash();
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs inputs) {
        return run(() -> script, index, ctx, inputs);
    }

    /**
     * Runs definition {@code index} of the script {@code script} gives (which may load it), turning
     * failures into errors that name the node, the script and the line.
     */
    public static NodeOutput run(Supplier<ScriptFile> script, int index, NodeContext ctx, NodeInputs inputs) {
        try {
            return script.get().call(index, ctx, inputs);
        } catch (ScriptException e) {
            if (e.interrupted()) throw new ExecutionInterruptedException();
            throw new NodeException(inputs.nodeId(), inputs.classType(), null,
                    "script " + e.getMessage());
        }
    }
}
