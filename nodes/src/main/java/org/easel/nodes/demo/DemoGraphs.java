package org.easel.nodes.demo;

import org.easel.nodes.onnx.OnnxGraph;
import org.easel.nodes.sd3.Sd3LatentSpace;
import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Arrays;

/**
 * The ONNX graphs of the demo checkpoint (see the README's section on the demo model). The transformer is the
 * exact posterior-mean denoiser of a 72-component Gaussian mixture (colour × shape × position). Its prior
 * reads the whole SD3 conditioning, so the text path must be right for the picture to follow the prompt:
 * <ul>
 * <li>colour and shape from {@code pooled_projections} (CLIP-L ‖ CLIP-G {@code text_embeds}, which count the
 *     prompt's words);</li>
 * <li>position from {@code encoder_hidden_states}: each encoder writes a code for the words left / right /
 *     center into fixed columns of its hidden states (CLIP's penultimate layer, T5's last), and the
 *     transformer sums, over all context tokens, the columns where a correct join puts each encoder's code:
 *     CLIP-L's in context columns 0–2, CLIP-G's at 768 + 512–514 (its own columns 512–514, in a rotated
 *     order), T5's in 2048–2050 (in yet another order: the part that is zero padding in CLIP's rows).</li>
 * </ul>
 * So a join that swaps CLIP-L and CLIP-G makes CLIP-G's read-out see CLIP-L's code in the wrong order, and
 * padding on the wrong side makes T5's read-out see CLIP-L's code in the wrong order; using CLIP's
 * last_hidden_state (layer-normalised) instead of the penultimate state scrambles the codes; dropping T5
 * loses the words only T5 knows ("middle", "centre"). Prompt weights scale a word's code, so
 * {@code (left:1.5)} outweighs {@code right}.
 */
public final class DemoGraphs {
    private DemoGraphs() {}

    public static final int CLIP_L_WIDTH = 768;
    public static final int CLIP_L_LAYERS = 12;
    public static final int CLIP_G_WIDTH = 1280;
    public static final int CLIP_G_LAYERS = 32;
    public static final int T5_WIDTH = 4096;
    public static final int POOLED_WIDTH = CLIP_L_WIDTH + CLIP_G_WIDTH;
    /** Logit per matching prompt word. */
    public static final double BETA = 16.0;
    /** Per-component standard deviation in model-latent space. */
    public static final double S = 0.3;
    public static final double MIN_SIGMA = 1e-4;
    public static final float LOGVAR = -30f;

    /** Column of each position word's code (index = {@link DemoVocabulary#POSITIONS} order) in CLIP-L's hidden states. */
    public static final int[] CLIP_L_CODE = {0, 1, 2};
    /** The same in CLIP-G's hidden states (rotated: left 513, right 514, center 512). */
    public static final int[] CLIP_G_CODE = {513, 514, 512};
    /** The same in T5's hidden states (rotated the other way: left 2050, right 2048, center 2049). */
    public static final int[] T5_CODE = {2050, 2048, 2049};
    /** Weight of each encoder's position evidence, in units of {@link #BETA}: a position word in all three gives 1.6 β. */
    public static final double W_CLIP_L = 0.6, W_CLIP_G = 0.6, W_T5 = 0.4;

    /** The context columns the transformer reads, per encoder and position: CLIP-L, CLIP-G, T5 (3 × 3). */
    public static int[] contextCodeColumns() {
        int[] c = new int[9];
        for (int p = 0; p < 3; p++) {
            c[p] = CLIP_L_CODE[p];
            c[3 + p] = CLIP_L_WIDTH + CLIP_G_CODE[p];
            c[6 + p] = T5_CODE[p];
        }
        return c;
    }

    /** Weights of the nine read-out columns (in units of β). */
    public static double[] contextCodeWeights() {
        return new double[] {W_CLIP_L, W_CLIP_L, W_CLIP_L, W_CLIP_G, W_CLIP_G, W_CLIP_G, W_T5, W_T5, W_T5};
    }

    private static float[] randomTable(long seed, int n, double scale) {
        Random r = new Random(seed);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float) (r.nextGaussian() * scale);
        return t;
    }

    /** Clears columns {@code cols} (those below {@code width}) of a [rows, width] table. */
    private static float[] clearColumns(float[] table, int width, int... cols) {
        for (int r = 0; r < table.length / width; r++) {
            for (int c : cols) if (c < width) table[r * width + c] = 0f;
        }
        return table;
    }

    /** A [3, width] matrix placing position p's code at column {@code code[p]}. */
    private static float[] placement(int width, int[] code) {
        float[] m = new float[3 * width];
        for (int p = 0; p < 3; p++) m[p * width + code[p]] = 1f;
        return m;
    }

    /**
     * The scale of hidden_states.i: (1 + 0.02·i) / (1 + 0.02·(layers − 1)), so the penultimate layer SD3 uses
     * carries the codes at exactly 1.
     */
    static float layerScale(int i, int layers) {
        return (float) ((1 + 0.02 * i) / (1 + 0.02 * (layers - 1)));
    }

    /**
     * CLIP text encoder with projection. {@code text_embeds}[b, attributeOf(word)] counts the prompt's known
     * words (other dims are 0). Hidden states: a deterministic per-token embedding, exactly zero in every code
     * column, plus the code of left / right / center (not their synonyms) at this encoder's code column; layer i
     * is that times {@link #layerScale}; {@code last_hidden_state} is it layer-normalised (as CLIP's final norm).
     */
    public static ModelProto clipTextEncoder(int width, int layers, boolean fp16) {
        OnnxGraph g = new OnnxGraph("easel_tiny_clip_" + width, fp16);
        String ids = g.int64Input("input_ids", "batch_size", "sequence_length");
        List<String> words = DemoVocabulary.WORDS;
        int nw = words.size();
        long[] wordIds = new long[nw];
        float[] place = new float[nw * width];
        float[] code = new float[nw * 3];
        for (int i = 0; i < nw; i++) {
            wordIds[i] = DemoVocabulary.wordIds().get(words.get(i));
            place[i * width + DemoVocabulary.attributeOf(words.get(i))] = 1f;
            int p = DemoVocabulary.POSITIONS.indexOf(words.get(i));          // synonyms have no CLIP code
            if (p >= 0) code[i * 3 + p] = 1f;
        }
        // one-hot over known words: [B,S,W]
        String idsU = g.op("Unsqueeze", ids, g.longs(-1));
        String eq = g.op("Equal", idsU, g.longs("word_ids", wordIds, nw));
        String onehot = g.op("Cast", new String[] {eq}, Map.of("to", 1));
        String counts = g.op("ReduceSum", new String[] {onehot, g.longs(1)}, Map.of("keepdims", 0)); // [B,W]
        String textEmbeds = g.matmul(counts, g.floats("word_to_attr", place, nw, width));
        // per-token features: sin(id·ω_j + φ_j) for 8 frequencies, plus the word one-hot
        int nf = 8;
        float[] freq = new float[nf], phase = new float[nf];
        for (int j = 0; j < nf; j++) {
            freq[j] = (float) (0.7 / Math.pow(3.1, j));
            phase[j] = (float) (0.37 * j);
        }
        int[] own = width == CLIP_G_WIDTH ? CLIP_G_CODE : CLIP_L_CODE;
        String idf = g.op("Cast", new String[] {idsU}, Map.of("to", 1)); // [B,S,1]
        String sinf = g.op("Sin", g.add(g.mul(idf, g.floats("freq", freq, nf)), g.floats("phase", phase, nf)));
        String feats = g.op("Concat", new String[] {sinf, onehot}, Map.of("axis", -1)); // [B,S,8+W]
        float[] table = clearColumns(randomTable(width * 31L + 7, (nf + nw) * width, 0.5), width,
                CLIP_L_CODE[0], CLIP_L_CODE[1], CLIP_L_CODE[2], CLIP_G_CODE[0], CLIP_G_CODE[1], CLIP_G_CODE[2]);
        String body = g.matmul(feats, g.floats("token_embedding", table, nf + nw, width));
        String codes = g.matmul(g.matmul(onehot, g.floats("word_to_position", code, nw, 3)), g.floats("code_columns", placement(width, own), 3, width));
        String h0 = g.add(body, codes);
        g.floatOutput("text_embeds", textEmbeds, "batch_size", width);
        String last = g.op("LayerNormalization", new String[] {h0, g.floats("ln_scale", ones(width), width), g.floats("ln_bias", new float[width], width)},
                Map.of("axis", -1, "epsilon", 1e-5f));
        g.floatOutput("last_hidden_state", last, "batch_size", "sequence_length", width);
        for (int i = 0; i <= layers; i++) {
            g.floatOutput("hidden_states." + i, g.mul(h0, g.scalar(layerScale(i, layers))), "batch_size", "sequence_length", width);
        }
        return g.build("easel demo CLIP text encoder (" + width + " wide): word-count text_embeds, position codes in the hidden states");
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    /**
     * T5 encoder stand-in: a per-piece embedding (Gather from a small table, projected to 4096, exactly zero in
     * every context code column) plus the code of left / right / center and of the synonyms only T5 knows
     * ("centre", "middle" → center) at T5's code columns.
     */
    public static ModelProto t5Encoder(boolean fp16) {
        OnnxGraph g = new OnnxGraph("easel_tiny_t5", fp16);
        String ids = g.int64Input("input_ids", "batch_size", "sequence_length");
        int v = DemoVocabulary.T5_PIECES.size(), r = 32;
        float[] code = new float[v * 3];
        for (String w : DemoVocabulary.WORDS) {
            int attr = DemoVocabulary.attributeOf(w) - DemoVocabulary.COLOURS.size() - DemoVocabulary.SHAPES.size();
            if (attr >= 0) code[DemoVocabulary.T5_PIECES.indexOf("\u2581" + w) * 3 + attr] = 1f;
        }
        String idc = g.op("Clip", ids, g.longs("lo", new long[] {0}), g.longs("hi", new long[] {v - 1}));
        String e = g.op("Gather", new String[] {g.floats("t5_table", randomTable(5151, v * r, 1.0), v, r), idc}, Map.of("axis", 0));
        float[] proj = clearColumns(randomTable(5152, r * T5_WIDTH, 0.1), T5_WIDTH, contextCodeColumns());
        String body = g.matmul(e, g.floats("t5_proj", proj, r, T5_WIDTH));
        String c = g.op("Gather", new String[] {g.floats("t5_position_codes", code, v, 3), idc}, Map.of("axis", 0));
        String h = g.add(body, g.matmul(c, g.floats("t5_code_columns", placement(T5_WIDTH, T5_CODE), 3, T5_WIDTH)));
        g.floatOutput("last_hidden_state", h, "batch_size", "sequence_length", T5_WIDTH);
        return g.build("easel demo T5 encoder stand-in: piece embeddings and position codes");
    }

    /** Attribute codes a_k as a [2048, K] matrix: 0.5 at the component's colour and shape in both CLIP halves. */
    public static float[] attributeCodes() {
        int k = DemoVocabulary.COMPONENTS;
        float[] a = new float[POOLED_WIDTH * k];
        for (int c = 0; c < k; c++) {
            int[] attrs = DemoVocabulary.componentAttributes(c);
            for (int attr : new int[] {attrs[0], attrs[1]}) {       // colour, shape (position comes from the context)
                a[attr * k + c] = 0.5f;
                a[(CLIP_L_WIDTH + attr) * k + c] = 0.5f;
            }
        }
        return a;
    }

    /** The [9, K] read-out: the weight of each context code column for each component's position. */
    public static float[] positionCodes() {
        int k = DemoVocabulary.COMPONENTS;
        double[] w = contextCodeWeights();
        float[] m = new float[9 * k];
        for (int c = 0; c < k; c++) {
            int p = DemoVocabulary.componentPosition(c);
            for (int e = 0; e < 3; e++) m[(e * 3 + p) * k + c] = (float) w[e * 3 + p];
        }
        return m;
    }

    /**
     * The exact posterior-mean denoiser of the Gaussian mixture, returning the flow velocity
     * {@code (x − x̂0)/σ} with σ = timestep/1000. Component logits: β·(colour and shape words in the pooled
     * vector, 0.5 per CLIP half) + β·(Σ over context tokens of the position codes, weighted per encoder) − the
     * data term. Like the real transformer, it works on whole 2×2 patches: for an odd height or width the
     * output lacks the last row or column.
     */
    public static ModelProto transformer(float[] templates, boolean fp16) {
        int k = DemoVocabulary.COMPONENTS, ch = Sd3LatentSpace.CHANNELS, ts = DemoTemplates.SIZE;
        OnnxGraph g = new OnnxGraph("easel_tiny_sd3_transformer", fp16);
        String x = g.floatInput("hidden_states", "batch_size", ch, "height", "width");
        String context = g.floatInput("encoder_hidden_states", "batch_size", "sequence_length", T5_WIDTH);
        String pooled = g.floatInput("pooled_projections", "batch_size", POOLED_WIDTH);
        String timestep = g.floatInput("timestep", "step");

        // Templates resized to the latent size: [K,16,h,w] → [K,D]
        String shape = g.op("Shape", x);
        String hw = g.op("Slice", shape, g.longs(2), g.longs(4));
        String sizes = g.op("Concat", new String[] {g.longs(k, ch), hw}, Map.of("axis", 0));
        String t = g.floats("templates", templates, k, ch, ts, ts);
        Map<String, String> bilinear = Map.of("mode", "linear", "coordinate_transformation_mode", "half_pixel");
        String mu4 = g.op("Resize", new String[] {t, "", "", sizes}, bilinear);
        String mu = g.reshape(mu4, g.longs(k, -1));
        String xf = g.reshape(x, g.longs(0, -1)); // [B,D]

        String sigma = g.clip(g.reshape(g.div(timestep, g.scalar(1000f)), g.longs(-1, 1)), (float) MIN_SIGMA, 1f); // [B,1]
        String a = g.sub(g.scalar(1f), sigma); // 1−σ
        String s2 = g.scalar((float) (S * S));
        String v = g.add(g.mul(g.mul(a, a), s2), g.mul(sigma, sigma));

        String dot = g.op("Gemm", new String[] {xf, mu}, Map.of("transB", 1)); // [B,K]
        String mm = g.reshape(g.op("ReduceSum", new String[] {g.mul(mu, mu), g.longs(1)}, Map.of("keepdims", 0)), g.longs(1, -1)); // [1,K]
        // −‖x − aμ‖²/(2v) up to a per-row constant: (a⟨x,μ⟩ − a²‖μ‖²/2)/v
        String fit = g.div(g.sub(g.mul(a, dot), g.mul(g.mul(g.mul(a, a), g.scalar(0.5f)), mm)), v);
        String words = g.matmul(pooled, g.floats("attribute_codes", attributeCodes(), POOLED_WIDTH, k)); // [B,K]
        // position: the code columns summed over every context token, weighted per encoder → [B,K]
        String tokenSum = g.op("ReduceSum", new String[] {context, g.longs(1)}, Map.of("keepdims", 0)); // [B,4096]
        long[] cols = new long[9];
        for (int i = 0; i < 9; i++) cols[i] = contextCodeColumns()[i];
        String read = g.op("Gather", new String[] {tokenSum, g.longs("code_columns", cols, 9)}, Map.of("axis", 1)); // [B,9]
        String place = g.matmul(read, g.floats("position_codes", positionCodes(), 9, k));
        String prior = g.mul(g.add(words, place), g.scalar((float) BETA));
        String w = g.op("Softmax", new String[] {g.add(prior, fit)}, Map.of("axis", 1));
        // Σ_k w_k·resize(T_k) = resize(Σ_k w_k·T_k): resizing is linear, so mix at template size and resize B
        // pictures rather than K (a sixth of a step's time)
        String mixSmall = g.reshape(g.matmul(w, g.reshape(t, g.longs(k, -1))), g.longs(-1, ch, ts, ts)); // [B,16,ts,ts]
        String mix = g.reshape(g.op("Resize", new String[] {mixSmall, "", "", shape}, bilinear), g.longs(0, -1)); // [B,D]
        String c = g.div(g.mul(a, s2), v);
        String x0 = g.add(g.mul(c, xf), g.mul(g.sub(g.scalar(1f), g.mul(c, a)), mix));
        String u = g.reshape(g.div(g.sub(xf, x0), sigma), shape);
        // whole 2×2 patches only, as the real transformer's floor-division patchify
        String two = g.longs(2);
        String whole = g.mul(g.div(hw, two), two);
        String cropped = g.op("Slice", u, g.longs(0, 0), whole, g.longs(2, 3));
        g.floatOutput("out_hidden_states", cropped, "batch_size", ch, "patched_height", "patched_width");
        return g.build("easel demo SD3 transformer: exact posterior mean of a 72-component Gaussian mixture whose prior reads "
                + "the pooled vector (colour, shape) and the context tokens (position); flow velocity out");
    }

    /** Decoder: z → (z − shift)·scale → 16→3 preview projection + bias → ×8 bilinear → clamp [−1,1]. */
    public static ModelProto vaeDecoder(boolean fp16) {
        int ch = Sd3LatentSpace.CHANNELS;
        OnnxGraph g = new OnnxGraph("easel_tiny_vae_decoder", fp16);
        String z = g.floatInput("latent_sample", "batch_size", ch, "latent_height", "latent_width");
        String x = g.mul(g.sub(z, g.scalar((float) Sd3LatentSpace.SHIFT_FACTOR)), g.scalar((float) Sd3LatentSpace.SCALING_FACTOR));
        float[] wt = new float[3 * ch];
        float[] b = new float[3];
        for (int c = 0; c < 3; c++) {
            b[c] = (float) Sd3LatentSpace.BIAS[c];
            for (int kk = 0; kk < ch; kk++) wt[c * ch + kk] = (float) Sd3LatentSpace.FACTORS[kk][c];
        }
        String rgb = g.op("Conv", x, g.floats("proj", wt, 3, ch, 1, 1), g.floats("bias", b, 3));
        String up = g.op("Resize", new String[] {rgb, "", g.floats("scales", new float[] {1, 1, 8, 8}, 4)},
                Map.of("mode", "linear", "coordinate_transformation_mode", "half_pixel"));
        g.floatOutput("sample", g.clip(up, -1f, 1f), "batch_size", 3, "height", "width");
        return g.build("easel demo SD3 VAE decoder");
    }

    /** Encoder: ×8 average pool → 3→16 minimum-norm inverse → z = x/scale + shift; logvar constant. */
    public static ModelProto vaeEncoder(boolean fp16) {
        int ch = Sd3LatentSpace.CHANNELS;
        OnnxGraph g = new OnnxGraph("easel_tiny_vae_encoder", fp16);
        String s = g.floatInput("sample", "batch_size", 3, "height", "width");
        String pooled = g.op("AveragePool", new String[] {s}, Map.of("kernel_shape", new long[] {8, 8}, "strides", new long[] {8, 8}));
        float[] wt = new float[ch * 3];
        float[] b = new float[ch];
        for (int kk = 0; kk < ch; kk++) {
            double bias = 0;
            for (int c = 0; c < 3; c++) {
                wt[kk * 3 + c] = (float) Sd3LatentSpace.INVERSE[kk][c];
                bias -= Sd3LatentSpace.INVERSE[kk][c] * Sd3LatentSpace.BIAS[c];
            }
            b[kk] = (float) bias;
        }
        String x = g.op("Conv", pooled, g.floats("inv", wt, ch, 3, 1, 1), g.floats("inv_bias", b, ch));
        String mean = g.add(g.div(x, g.scalar((float) Sd3LatentSpace.SCALING_FACTOR)), g.scalar((float) Sd3LatentSpace.SHIFT_FACTOR));
        String logvar = g.add(g.mul(mean, g.scalar(0f)), g.scalar(LOGVAR));
        String params = g.op("Concat", new String[] {mean, logvar}, Map.of("axis", 1));
        g.floatOutput("latent_parameters", params, "batch_size", 2 * ch, "latent_height", "latent_width");
        return g.build("easel demo SD3 VAE encoder");
    }

    /** ×2 upscaler: bicubic Resize then a mild depthwise 3×3 sharpening, clipped to [0,1]. */
    public static ModelProto upscaleX2(boolean fp16) {
        OnnxGraph g = new OnnxGraph("easel_tiny_upscale_x2", fp16);
        String in = g.floatInput("input", "batch_size", 3, "height", "width");
        String up = g.op("Resize", new String[] {in, "", g.floats("scales", new float[] {1, 1, 2, 2}, 4)},
                Map.of("mode", "cubic", "cubic_coeff_a", -0.75f, "coordinate_transformation_mode", "half_pixel"));
        String padded = g.op("Pad", new String[] {up, g.longs(0, 0, 1, 1, 0, 0, 1, 1)}, Map.of("mode", "edge"));
        float a = 0.1f;
        float[] k1 = {0, -a, 0, -a, 1 + 4 * a, -a, 0, -a, 0};
        float[] k = new float[27];
        for (int c = 0; c < 3; c++) System.arraycopy(k1, 0, k, c * 9, 9);
        String sharp = g.op("Conv", new String[] {padded, g.floats("sharpen", k, 3, 1, 3, 3)}, Map.of("group", 3));
        g.floatOutput("output", g.clip(sharp, 0f, 1f), "batch_size", 3, "height_x2", "width_x2");
        return g.build("easel demo x2 upscaler: bicubic + mild sharpening");
    }
}
