package org.easel.nodes.sd3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easel.engine.NodeException;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.text.ClipTokenizer;
import org.easel.nodes.text.PromptWeights;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;

/**
 * CLIP for SD3: up to three text encoders (CLIP-L, CLIP-G, T5-XXL) and the SD3 recipe that turns a prompt
 * into conditioning (shared reference §2.3, ComfyUI's behaviour): the penultimate hidden states of CLIP-L
 * and CLIP-G joined along channels and zero-padded to 4096, followed along the sequence by T5's states
 * (padded to at least 77 tokens); pooled = CLIP-L ‖ CLIP-G {@code text_embeds}. A missing encoder gives zeros
 * in its place; without T5 the 77 CLIP tokens stand alone. Long prompts are split into 77-token chunks;
 * ComfyUI's {@code (word:1.2)} weights scale tokens away from the empty prompt.
 */
public record Sd3Clip(TextEncoder clipL, TextEncoder clipG, TextEncoder t5) {
    static final int L_WIDTH = 768;
    static final int G_WIDTH = 1280;
    static final int CONTEXT_WIDTH = 4096;

    public Conditioning encode(OnnxRuntime rt, String text) {
        FloatTensor[] l = clipL == null ? null : clip(rt, clipL, text, ClipTokenizer.Padding.END);
        FloatTensor[] g = clipG == null ? null : clip(rt, clipG, text, ClipTokenizer.Padding.ZERO);
        FloatTensor t = t5 == null ? null : t5(rt, text);
        int chunks = Math.max(l == null ? 0 : l[0].dim(1), g == null ? 0 : g[0].dim(1));
        int width = t != null ? t.dim(2) : CONTEXT_WIDTH;
        int clipTokens = chunks;
        int t5Tokens = t == null ? 0 : t.dim(1);
        int tokens = clipTokens + t5Tokens;
        if (tokens == 0) {
            tokens = 77;                                  // nothing at all: zeros, as ComfyUI
        }
        float[] ctx = new float[tokens * width];
        if (l != null) copyColumns(l[0], ctx, width, 0);
        if (g != null) copyColumns(g[0], ctx, width, L_WIDTH);
        if (t != null) t.copyTo(0, ctx, clipTokens * width, t5Tokens * width);
        float[] pooled = new float[L_WIDTH + G_WIDTH];
        if (l != null) l[1].copyTo(0, pooled, 0, Math.min(L_WIDTH, l[1].size()));
        if (g != null) g[1].copyTo(0, pooled, L_WIDTH, Math.min(G_WIDTH, g[1].size()));
        return Conditioning.of(FloatTensor.wrap(ctx, 1, tokens, width), FloatTensor.wrap(pooled, 1, L_WIDTH + G_WIDTH));
    }

    /** Copies [1,T,w] into the columns starting at {@code offset} of a [T,width] array. */
    private static void copyColumns(FloatTensor src, float[] dst, int width, int offset) {
        int tokens = src.dim(1);
        int w = src.dim(2);
        int n = Math.min(w, width - offset);
        for (int i = 0; i < tokens; i++) src.copyTo(i * w, dst, i * width + offset, n);
    }

    /** {hidden states [1, 77·chunks, w] (penultimate layer, weighted), text_embeds [1, w]} */
    private static FloatTensor[] clip(OnnxRuntime rt, TextEncoder enc, String text, ClipTokenizer.Padding padding) {
        ClipTokenizer tok = enc.clipTokenizer();
        List<ClipTokenizer.WeightedChunk> chunks = tok.encodeWeighted(text, padding);
        try (OnnxRuntime.Lease lease = rt.acquire(enc.model())) {
            ModelSession s = lease.session();
            int layers = TextEncoder.hiddenLayers(s);
            String hidden = layers >= 1 ? "hidden_states." + (layers - 1) : "last_hidden_state";
            String pooledName = s.outputNames().contains("text_embeds") ? "text_embeds" : "pooler_output";
            if (!s.outputNames().contains(pooledName)) {
                throw new NodeException(enc.model() + " has no text_embeds output (needed for SD3's pooled vector)");
            }
            float[] empty = null;
            List<float[]> states = new ArrayList<>();
            float[] pooled = null;
            int width = 0;
            for (ClipTokenizer.WeightedChunk c : chunks) {
                Map<String, FloatTensor> out = s.run(Map.of("input_ids", ModelSession.Input.ids(c.ids(), 1, c.ids().length)),
                        hidden, pooledName);
                FloatTensor h = out.get(hidden);
                width = h.dim(2);
                float[] z = h.toArray();
                if (pooled == null) pooled = out.get(pooledName).toArray();
                boolean weighted = false;
                for (float w : c.weights()) weighted |= w != 1f;
                if (weighted) {
                    if (empty == null) {
                        long[] ids = tok.encode("", padding);
                        empty = s.run(Map.of("input_ids", ModelSession.Input.ids(ids, 1, ids.length)), hidden).get(hidden).toArray();
                    }
                    for (int i = 0; i < c.weights().length; i++) {
                        float w = c.weights()[i];
                        if (w == 1f) continue;
                        for (int k = 0; k < width; k++) {
                            int j = i * width + k;
                            z[j] = (z[j] - empty[j]) * w + empty[j];
                        }
                    }
                }
                states.add(z);
            }
            int per = 77 * width;
            float[] all = new float[states.size() * per];
            for (int i = 0; i < states.size(); i++) System.arraycopy(states.get(i), 0, all, i * per, per);
            return new FloatTensor[]{FloatTensor.wrap(all, 1, states.size() * 77, width), FloatTensor.wrap(pooled, 1, pooled.length)};
        } catch (ai.onnxruntime.OrtException e) {
            throw new NodeException("text encoder " + enc.model() + " failed: " + e.getMessage());
        }
    }

    /** T5 states [1, N ≥ 77, 4096] of the prompt with weight syntax removed (ComfyUI pads to 77, never truncates). */
    private FloatTensor t5(OnnxRuntime rt, String text) {
        StringBuilder plain = new StringBuilder();
        for (PromptWeights.Segment seg : PromptWeights.parse(text)) plain.append(seg.text());
        long[] ids = t5.t5Tokenizer().encode(plain.toString(), 77, Integer.MAX_VALUE);
        try (OnnxRuntime.Lease lease = rt.acquire(t5.model())) {
            return lease.session().run(Map.of("input_ids", ModelSession.Input.ids(ids, 1, ids.length)), "last_hidden_state")
                    .get("last_hidden_state");
        } catch (ai.onnxruntime.OrtException e) {
            throw new NodeException("text encoder " + t5.model() + " failed: " + e.getMessage());
        }
    }
}
