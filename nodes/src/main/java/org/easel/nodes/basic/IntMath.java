package org.easel.nodes.basic;

import java.util.List;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/** Integer arithmetic on two inputs: add, subtract, multiply, divide (floor), modulo, power, min, max. */
public final class IntMath implements Node {
    static final List<String> OPS = List.of("add", "subtract", "multiply", "divide", "modulo", "power", "min", "max");
    private static final NodeSchema SCHEMA = NodeSchema.builder("IntMath").displayName("Int Math")
            .category("utils/math").description("Integer arithmetic: a <op> b.")
            .required(InputSpec.integer("a", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                    InputSpec.integer("b", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                    InputSpec.combo("op", OPS))
            .output(Types.INT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validate(NodeInputs in, Environment env) {
        String op = (String) in.get("op");
        Object b = in.get("b");
        if (("divide".equals(op) || "modulo".equals(op)) && b instanceof Long l && l == 0) return "b: division by zero";
        return null;
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        long a = in.getLong("a");
        long b = in.getLong("b");
        String op = in.getString("op");
        long r = switch (op) {
            case "add" -> Math.addExact(a, b);
            case "subtract" -> Math.subtractExact(a, b);
            case "multiply" -> Math.multiplyExact(a, b);
            case "divide" -> {
                if (b == 0) throw in.error("b", "division by zero");
                yield Math.floorDiv(a, b);
            }
            case "modulo" -> {
                if (b == 0) throw in.error("b", "division by zero");
                yield Math.floorMod(a, b);
            }
            case "power" -> {
                if (b < 0) throw in.error("b", "negative exponent for integers");
                long p = 1;
                for (long i = 0; i < b; i++) p = Math.multiplyExact(p, a);
                yield p;
            }
            case "min" -> Math.min(a, b);
            case "max" -> Math.max(a, b);
            default -> throw in.error("op", "unknown operation " + op);
        };
        return NodeOutput.of(r);
    }
}
