package org.easel.nodes.basic;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/** ComfyUI's primitive nodes: a widget value as an output (PrimitiveInt, PrimitiveFloat, …). */
public final class Primitives {
    private Primitives() {}

    private abstract static class Primitive implements Node {
        private final NodeSchema schema;

        Primitive(String name, String type, InputSpec value) {
            schema = NodeSchema.builder(name).displayName(name.replace("Primitive", "") + " (primitive)")
                    .category("utils/primitive").description("Outputs its " + type + " widget value.")
                    .required(value).output(type).build();
        }

        @Override public NodeSchema schema() { return schema; }

        @Override
        public NodeOutput execute(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.get("value"));
        }
    }

    public static final class PrimitiveInt extends Primitive {
        public PrimitiveInt() {
            super("PrimitiveInt", Types.INT, InputSpec.integer("value", 0, Long.MIN_VALUE, Long.MAX_VALUE).controlAfterGenerate());
        }
    }

    public static final class PrimitiveFloat extends Primitive {
        public PrimitiveFloat() {
            super("PrimitiveFloat", Types.FLOAT, InputSpec.number("value", 0.0, -Double.MAX_VALUE, Double.MAX_VALUE));
        }
    }

    public static final class PrimitiveString extends Primitive {
        public PrimitiveString() {
            super("PrimitiveString", Types.STRING, InputSpec.string("value", ""));
        }
    }

    public static final class PrimitiveStringMultiline extends Primitive {
        public PrimitiveStringMultiline() {
            super("PrimitiveStringMultiline", Types.STRING, InputSpec.string("value", "").multiline());
        }
    }

    public static final class PrimitiveBoolean extends Primitive {
        public PrimitiveBoolean() {
            super("PrimitiveBoolean", Types.BOOLEAN, InputSpec.bool("value", false));
        }
    }
}
