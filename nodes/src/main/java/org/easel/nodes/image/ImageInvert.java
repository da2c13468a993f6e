package org.easel.nodes.image;

import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageOps;
import org.easel.nodes.types.TensorInputs;

/** ComfyUI's ImageInvert ("Invert Image"): {@code 1 - image}. */
public final class ImageInvert implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageInvert").displayName("Invert Image")
            .category("image")
            .required(InputSpec.socket("image", Types.IMAGE))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        return NodeOutput.of(ImageOps.invert(TensorInputs.image(in, "image")));
    }
}
