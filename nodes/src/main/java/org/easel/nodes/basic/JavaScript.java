package org.easel.nodes.basic;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.script.ScriptFile;
import org.easel.nodes.script.ScriptNode;
import org.easel.nodes.script.ScriptSandbox;

/**
 * A small JavaScript computation in the sandbox: {@code code} is a function body over the optional inputs
 * {@code a}, {@code b}, {@code c} (any type) whose return value is the output, e.g. {@code return a * 2 + 1;}
 * or {@code return `${a}, golden hour`;}. The code is part of the cache key like any widget.
 */
public final class JavaScript implements Node {
    static final String DEFAULT = "// a, b and c are the inputs (any type); return the result\nreturn a;";
    private static final NodeSchema SCHEMA = NodeSchema.builder("JavaScript").displayName("JavaScript")
            .category("utils")
            .description("Runs a little JavaScript (sandboxed): a function body over inputs a, b, c; its return value is the output.")
            .required(InputSpec.string("code", DEFAULT).multiline())
            .optional(InputSpec.socket("a", Types.ANY), InputSpec.socket("b", Types.ANY), InputSpec.socket("c", Types.ANY))
            .output(Types.ANY, "result").build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        String module = ScriptFile.functionModule(in.getString("code"), "a", "b", "c");
        return ScriptNode.run(() -> ScriptSandbox.of(ctx.env()).inline("JavaScript code", module), 0, ctx, in);
    }
}
