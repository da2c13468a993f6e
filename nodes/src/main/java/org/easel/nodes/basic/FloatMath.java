package org.easel.nodes.basic;

import java.util.List;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/** Floating-point arithmetic on two inputs (accepts INT or FLOAT links). */
public final class FloatMath implements Node {
    static final List<String> OPS = List.of("add", "subtract", "multiply", "divide", "power", "min", "max");
    private static final NodeSchema SCHEMA = NodeSchema.builder("FloatMath").displayName("Float Math")
            .category("utils/math").description("Floating-point arithmetic: a <op> b.")
            .required(InputSpec.number("a", 0.0, -Double.MAX_VALUE, Double.MAX_VALUE),
                    InputSpec.number("b", 0.0, -Double.MAX_VALUE, Double.MAX_VALUE),
                    InputSpec.combo("op", OPS))
            .output(Types.FLOAT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        double a = in.getDouble("a");
        double b = in.getDouble("b");
        double r = switch (in.getString("op")) {
            case "add" -> a + b;
            case "subtract" -> a - b;
            case "multiply" -> a * b;
            case "divide" -> {
                if (b == 0) throw in.error("b", "division by zero");
                yield a / b;
            }
            case "power" -> Math.pow(a, b);
            case "min" -> Math.min(a, b);
            case "max" -> Math.max(a, b);
            default -> throw in.error("op", "unknown operation");
        };
        return NodeOutput.of(r);
    }
}
