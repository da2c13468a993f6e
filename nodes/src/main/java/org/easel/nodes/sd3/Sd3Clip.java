package org.easel.nodes.sd3;

import ai.onnxruntime.OnnxJavaType;
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
import ai.onnxruntime.OrtException;

/**
 * CLIP for SD3: up to three text encoders (CLIP-L, CLIP-G, T5-XXL) and the SD3 recipe that turns a prompt
 * into conditioning (ComfyUI's behaviour): the penultimate hidden states of CLIP-L
 * and CLIP-G joined along channels and zero-padded to 4096, followed along the sequence by T5's states
 * (padded to at least 77 tokens); pooled = CLIP-L ‖ CLIP-G {@code text_embeds}. A missing encoder gives zeros
 * in its place; without T5 the 77 CLIP tokens stand alone. Long prompts are split into 77-token chunks;
 * ComfyUI's {@code (word:1.2)} weights scale tokens away from the empty prompt.
 */
public record Sd3Clip(TextEncoder clipL, TextEncoder clipG, TextEncoder t5) {
    static final int L_WIDTH = 768;
    static final int G_WIDTH = 1280;
    static final int CONTEXT_WIDTH = 4096;

    /** Deliberate mistakes in joining the encoders' states, for tests that prove the demo model notices them. */
    public enum Corruption { NONE, SWAP_CLIP_L_AND_G, ZERO_PADDING_FIRST }

    private static volatile Corruption corruption = Corruption.NONE;

    /** Test-only: makes every following {@link #encode} join the states wrongly ({@code NONE} restores). */
    public static void corruptForTest(Corruption c) {
        corruption = c;
    }

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
        Corruption bad = corruption;
        int lAt = 0, gAt = L_WIDTH;
        if (bad == Corruption.SWAP_CLIP_L_AND_G) {
            lAt = G_WIDTH;
            gAt = 0;
        } else if (bad == Corruption.ZERO_PADDING_FIRST) {
            lAt += width - L_WIDTH - G_WIDTH;
            gAt += width - L_WIDTH - G_WIDTH;
        }
        if (l != null) copyColumns(l[0], ctx, width, lAt);
        if (g != null) copyColumns(g[0], ctx, width, gAt);
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
            String hidden = penultimate(enc, s);
            String pooledName = pooledOutput(enc, s);
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
        } catch (OrtException e) {
            throw new NodeException("text encoder " + enc.model() + " failed: " + e.getMessage());
        }
    }

    /**
     * The penultimate layer's output {@code hidden_states.(N−1)}: SD3 conditions on it, before CLIP's final
     * layer norm, so {@code last_hidden_state} is no substitute.
     */
    static String penultimate(TextEncoder enc, ModelSession s) {
        int layers = TextEncoder.hiddenLayers(s);
        if (layers >= 1) return "hidden_states." + (layers - 1);
        throw new NodeException(enc.model() + " (" + enc.kind() + ") has no hidden_states.N outputs. SD3 conditions on CLIP's "
                + "penultimate hidden state, taken before the final layer norm, which last_hidden_state is not. Export the text "
                + "encoder with all hidden states: optimum-cli export onnx of the SD3 pipeline does (it sets output_hidden_states "
                + "for text_encoder and text_encoder_2); with torch.onnx.export, call the model with output_hidden_states=True "
                + "and name the outputs hidden_states.0 … hidden_states.N.");
    }

    /**
     * The pooled output: {@code text_embeds} (the projected pooled state). CLIP-L may give {@code pooler_output}
     * instead, since SD3's CLIP-L projection is the identity; CLIP-G's projection is not, so it must have text_embeds.
     */
    static String pooledOutput(TextEncoder enc, ModelSession s) {
        if (s.outputNames().contains("text_embeds")) return "text_embeds";
        if (enc.kind() == TextEncoder.Kind.CLIP_L && s.outputNames().contains("pooler_output")) return "pooler_output";
        throw new NodeException(enc.model() + " (" + enc.kind() + ") has no text_embeds output. SD3's pooled vector takes the "
                + "projected pooled output of CLIP" + (enc.kind() == TextEncoder.Kind.CLIP_G ? "-G; pooler_output is unprojected" : "")
                + ". Export the encoder as CLIPTextModelWithProjection (Optimum's clip-text-with-projection, as the SD3 "
                + "pipeline export does) so it outputs text_embeds.");
    }

    /** T5 states [1, N ≥ 77, 4096] of the prompt with weight syntax removed (ComfyUI pads to 77, never truncates). */
    private FloatTensor t5(OnnxRuntime rt, String text) {
        StringBuilder plain = new StringBuilder();
        for (PromptWeights.Segment seg : PromptWeights.parse(text)) plain.append(seg.text());
        long[] ids = t5.t5Tokenizer().encode(plain.toString(), 77, Integer.MAX_VALUE);
        try (OnnxRuntime.Lease lease = rt.acquire(t5.model())) {
            ModelSession s = lease.session();
            FloatTensor out = s.run(Map.of("input_ids", ModelSession.Input.ids(ids, 1, ids.length)), "last_hidden_state")
                    .get("last_hidden_state");
            for (int i = 0; i < out.size(); i++) {
                if (!Float.isFinite(out.get(i))) {
                    boolean half = s.outputInfo("last_hidden_state").type != OnnxJavaType.FLOAT;
                    throw new NodeException("text encoder " + t5.model() + " (T5) returned non-finite values (inf or NaN)"
                            + (half ? ": T5-XXL overflows in " + s.outputInfo("last_hidden_state").type + ". " : ". ")
                            + "Use a float32 T5 (export text_encoder_3 with --dtype fp32, or keep it in fp32 while the other parts are fp16).");
                }
            }
            return out;
        } catch (OrtException e) {
            throw new NodeException("text encoder " + t5.model() + " failed: " + e.getMessage());
        }
    }
}
