package org.easel.nodes.sd3;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.easel.engine.NodeException;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.text.ClipTokenizer;
import org.easel.nodes.text.T5Tokenizer;

/**
 * One text encoder of an SD3 checkpoint: its ONNX file, its tokenizer folder and its kind, told apart by
 * the model's outputs (CLIP-L: 768 wide, {@code hidden_states.0..12}; CLIP-G: 1280, {@code ..32}; both with a
 * pooled output; T5: only {@code last_hidden_state}, 4096 wide).
 */
public record TextEncoder(Kind kind, Path model, Path tokenizer) {
    public enum Kind { CLIP_L, CLIP_G, T5 }

    private static final Map<Path, Object> TOKENIZERS = new ConcurrentHashMap<>();

    /** Reads the kind from the model's outputs; the tokenizer files sit next to the model or in {@code tokenizerDir}. */
    public static TextEncoder detect(OnnxRuntime rt, Path model, Path tokenizerDir) {
        try (OnnxRuntime.Lease lease = rt.acquire(model)) {
            ModelSession s = lease.session();
            int layers = hiddenLayers(s);
            boolean pooled = s.outputNames().contains("text_embeds") || s.outputNames().contains("pooler_output");
            Kind kind;
            if (layers < 0 && !pooled) {
                if (!s.outputNames().contains("last_hidden_state")) {
                    throw new NodeException(model + " is not a text encoder: it has no last_hidden_state or hidden_states outputs");
                }
                kind = Kind.T5;
            } else {
                // a CLIP (it has a pooled output); one exported without hidden states is told apart by its width
                // here and rejected with the export advice when it encodes
                String states = layers >= 0 ? "hidden_states.0" : "last_hidden_state";
                long[] shape = s.outputNames().contains(states) ? s.outputInfo(states).getShape() : new long[0];
                long width = shape.length == 3 ? shape[2] : -1;
                kind = width == 1280 || layers >= 24 ? Kind.CLIP_G : Kind.CLIP_L;
            }
            return new TextEncoder(kind, model, tokenizerDir);
        }
    }

    /** The number of transformer layers (highest {@code hidden_states.N}), or −1 when there are none. */
    static int hiddenLayers(ModelSession s) {
        int max = -1;
        for (String n : s.outputNames()) {
            if (n.startsWith("hidden_states.")) {
                try {
                    max = Math.max(max, Integer.parseInt(n.substring("hidden_states.".length())));
                } catch (NumberFormatException ignored) {
                    // not a layer output
                }
            }
        }
        return max;
    }

    public ClipTokenizer clipTokenizer() {
        return (ClipTokenizer) TOKENIZERS.computeIfAbsent(tokenizer, p -> {
            try {
                return ClipTokenizer.load(p);
            } catch (IOException | RuntimeException e) {
                throw new NodeException("cannot read the CLIP tokenizer in " + p + " (vocab.json, merges.txt): " + e.getMessage());
            }
        });
    }

    public T5Tokenizer t5Tokenizer() {
        return (T5Tokenizer) TOKENIZERS.computeIfAbsent(tokenizer, p -> {
            try {
                return T5Tokenizer.load(p);
            } catch (IOException | RuntimeException e) {
                throw new NodeException("cannot read the T5 tokenizer in " + p + " (tokenizer.json): " + e.getMessage());
            }
        });
    }
}
