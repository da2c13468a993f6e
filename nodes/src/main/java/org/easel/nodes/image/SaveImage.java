package org.easel.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.NodeRegistry;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.engine.workflow.WorkflowConverter;
import org.easel.engine.workflow.WorkflowException;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.codec.PngWriter;
import org.easel.nodes.codec.PythonJson;
import org.easel.nodes.types.FloatTensor;

/**
 * Saves images as PNG files {@code <prefix>_<counter:05>_.png} in the output folder (the prefix may name a
 * subfolder, never outside it), with the {@code prompt} and {@code workflow} text chunks ComfyUI writes.
 */
public class SaveImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveImage").displayName("Save Image")
            .category("image").description("Saves the input images to your output directory.")
            .required(InputSpec.socket("images", Types.IMAGE).tooltip("The images to save."),
                    InputSpec.string("filename_prefix", "ComfyUI").tooltip(
                            "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes."))
            .hidden("prompt", "PROMPT").hidden("extra_pnginfo", "EXTRA_PNGINFO")
            .outputNode().build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        return NodeOutput.withUi(Map.of("images", save(ctx, in, in.getString("filename_prefix"), ctx.env().outputDir(), "output", 4)));
    }

    /** Writes every image of the batch; returns the UI entries {filename, subfolder, type}. */
    static List<Map<String, Object>> save(NodeContext ctx, NodeInputs in, String prefix, Path dir, String type, int level)
            throws Exception {
        FloatTensor images = in.get("images", FloatTensor.class);
        if (images.rank() != 4) throw in.error("images", "expected an IMAGE [B,H,W,C], got " + images);
        int b = images.dim(0);
        SaveImagePaths.SavePath sp;
        try {
            sp = SaveImagePaths.reserve(prefix, dir, images.dim(2), images.dim(1), b);
        } catch (IllegalArgumentException e) {
            throw in.error("filename_prefix", e.getMessage());
        }
        Map<String, String> text = metadata(in, ctx.env());
        List<Map<String, Object>> ui = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            Path file = sp.file(i);
            PngWriter.write(file, ImageConvert.toSamples(images, i), text, level);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("filename", file.getFileName().toString());
            item.put("subfolder", sp.subfolder());
            item.put("type", type);
            ui.add(item);
        }
        return ui;
    }

    /**
     * ComfyUI's chunks: {@code prompt} (the API JSON), then each {@code extra_pnginfo} key (e.g. {@code workflow}).
     * A run without an editor workflow (API JSON from the command line or a script) gets one made from the
     * prompt, so every saved picture opens in the editor.
     */
    static Map<String, String> metadata(NodeInputs in, Environment env) {
        Object prompt = in.get("prompt");
        Object extra = in.get("extra_pnginfo");
        Map<String, String> extraJson = new LinkedHashMap<>();
        if (extra instanceof JsonNode e && e.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                extraJson.put(f.getKey(), PythonJson.dumps(f.getValue()));
            }
        }
        if (!extraJson.containsKey("workflow") && prompt instanceof ObjectNode p) {
            try {
                WorkflowConverter converter = env.service(WorkflowConverter.class, () -> new WorkflowConverter(registry(env)));
                extraJson.put("workflow", PythonJson.dumps(converter.toWorkflow(p.deepCopy()).json()));
            } catch (WorkflowException ex) {
                // a prompt the editor format cannot express: the picture keeps its prompt chunk only
            }
        }
        return PngWriter.comfyMetadata(prompt instanceof JsonNode p ? PythonJson.dumps(p) : null, extraJson);
    }

    private static NodeRegistry registry(Environment env) {
        NodeRegistry shared = env.serviceIfPresent(NodeRegistry.class);
        return shared != null ? shared : NodeRegistry.load(SaveImage.class.getClassLoader());
    }
}
