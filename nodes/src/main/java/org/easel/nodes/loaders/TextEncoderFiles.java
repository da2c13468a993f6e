package org.easel.nodes.loaders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.easel.engine.Environment;
import org.easel.engine.NodeException;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.Sd3Clip;
import org.easel.nodes.sd3.TextEncoder;

/**
 * Text encoders from {@code models/text_encoders}: a folder holding {@code model.onnx} and its tokenizer files
 * ({@code vocab.json} + {@code merges.txt} for CLIP, {@code tokenizer.json} for T5), or a single
 * {@code name.onnx} with the tokenizer files in a folder {@code name/} beside it (else next to the file).
 * The kind (CLIP-L, CLIP-G, T5) is read from the model's outputs.
 */
final class TextEncoderFiles {
    private TextEncoderFiles() {}

    static TextEncoder load(Environment env, String name) {
        Path p = ModelFolders.resolve(env, "text_encoders", name);
        Path model;
        Path tokenizer;
        if (Files.isDirectory(p)) {
            model = p.resolve("model.onnx");
            tokenizer = p;
        } else {
            model = p;
            String base = p.getFileName().toString().replaceFirst("\\.onnx$", "");
            Path side = p.resolveSibling(base);
            tokenizer = Files.isDirectory(side) ? side : p.getParent();
        }
        return TextEncoder.detect(OnnxRuntime.of(env), model, tokenizer);
    }

    /** Puts each encoder in its SD3 slot; two of one kind is an error naming the input. */
    static Sd3Clip combine(List<String> inputNames, List<TextEncoder> encoders) {
        TextEncoder[] slots = new TextEncoder[3];
        List<String> owner = new ArrayList<>(List.of("", "", ""));
        for (int i = 0; i < encoders.size(); i++) {
            TextEncoder e = encoders.get(i);
            int k = e.kind().ordinal();
            if (slots[k] != null) {
                throw new NodeException(null, null, inputNames.get(i), inputNames.get(i) + " and " + owner.get(k)
                        + " are both " + e.kind() + " encoders; SD3 takes one CLIP-L, one CLIP-G and one T5");
            }
            slots[k] = e;
            owner.set(k, inputNames.get(i));
        }
        return new Sd3Clip(slots[0], slots[1], slots[2]);
    }
}
