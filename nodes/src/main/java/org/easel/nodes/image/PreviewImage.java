package org.easel.nodes.image;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/** Saves images to the temp folder (type "temp", fast compression) for viewing. */
public final class PreviewImage extends SaveImage {
    private static final NodeSchema SCHEMA = NodeSchema.builder("PreviewImage").displayName("Preview Image")
            .category("image").description("Saves the input images to your temp directory for preview.")
            .required(InputSpec.socket("images", Types.IMAGE))
            .hidden("prompt", "PROMPT").hidden("extra_pnginfo", "EXTRA_PNGINFO")
            .outputNode().build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        StringBuilder suffix = new StringBuilder("_temp_");
        String letters = "abcdefghijklmnopqrstupvxyz";
        for (int i = 0; i < 5; i++) suffix.append(letters.charAt(ThreadLocalRandom.current().nextInt(letters.length())));
        return NodeOutput.withUi(Map.of("images", save(ctx, in, "ComfyUI" + suffix, ctx.env().tempDir(), "temp", 1)));
    }
}
