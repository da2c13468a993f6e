package org.easel.nodes.sd3;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import org.easel.nodes.onnx.OnnxGraph;

/**
 * SD 3.5 Medium's MMDiT-X joint transformer blocks as an ONNX graph with random weights (fixed seed), to
 * measure what the real model costs on a device. Sizes are the real ones: hidden 1536, 24 heads of 64, QK
 * RMS-norm, adaLN-Zero modulation from the conditioning vector (6-way, 9-way in the dual-attention blocks),
 * MLP ratio 4 with tanh-GELU, joint attention over the image tokens followed by the text tokens, each stream
 * with its own projections; the dual-attention blocks (0–12 of 24) add an image-only self-attention. The
 * attention is written out as MatMul–Softmax–MatMul, as a plain export has it. Weights go to an external-data
 * file as they are generated, so no copy of them is held in Java.
 */
public final class MmditBlocks {
    private MmditBlocks() {}

    public static final int HIDDEN = 1536;
    public static final int HEADS = 24;
    public static final int HEAD_DIM = 64;
    public static final int MLP_RATIO = 4;
    public static final int LAYERS = 24;
    public static final int DUAL_LAYERS = 13;
    public static final int JOINT_ATTENTION_DIM = 4096;
    /** Latent channels × patch 2×2: the width of the patch embedding's input and the output projection. */
    public static final int PATCH_FEATURES = 16 * 2 * 2;
    /** Image tokens of a 1024² picture ((1024/16)²) and text tokens of ComfyUI's / SAI's 77 + 77 context. */
    public static final int IMAGE_TOKENS_1024 = 4096;
    public static final int TEXT_TOKENS = 154;
    /** ONNX opset of the graph (Gelu with tanh approximation). */
    static final int OPSET = 20;

    /** What to build: {@code blocks} consecutive blocks, the first {@link #dualBlocks} of them with dual attention. */
    public record Spec(int blocks, int imageTokens, int textTokens, int batch, int hidden, int heads) {
        /** SD 3.5 Medium's width and heads. */
        public Spec(int blocks, int imageTokens, int textTokens, int batch) {
            this(blocks, imageTokens, textTokens, batch, HIDDEN, HEADS);
        }

        /** As in the full model, a little over half of the blocks (13 of 24) have the extra attention. */
        public int dualBlocks() { return (int) Math.round(blocks * (double) DUAL_LAYERS / LAYERS); }

        public int headDim() { return hidden / heads; }
    }

    /** The files written and what the graph holds. */
    public record Built(Path model, long parameters, long weightBytes) {}

    /** FLOPs (2 per multiply-add) of the benchmark graph: Linear layers, attention QKᵀ and AV, adaLN. */
    public static double flops(Spec s) {
        double d = s.hidden();
        double macs = 0;
        for (int i = 0; i < s.blocks(); i++) {
            boolean dual = i < s.dualBlocks();
            double n = s.imageTokens() + s.textTokens();
            macs += 12 * (s.imageTokens() + s.textTokens()) * d * d + 2 * n * n * d;
            if (dual) macs += 4 * s.imageTokens() * d * d + 2.0 * s.imageTokens() * s.imageTokens() * d;
            macs += ((dual ? 9 : 6) + 6) * d * d;
        }
        return 2 * macs * s.batch();
    }

    /**
     * FLOPs of one forward of the whole SD 3.5 Medium transformer at batch {@code batch}: 24 blocks (13 with dual
     * attention, the last one without the text stream's output projection and MLP), context and patch embedding,
     * output projection; norms and softmax not counted.
     */
    public static double fullModelFlops(int imageTokens, int textTokens, int batch) {
        double d = HIDDEN, ni = imageTokens, nt = textTokens, n = ni + nt;
        double macs = ni * d * d * (12 * LAYERS + 4 * DUAL_LAYERS)
                + nt * d * d * (12 * (LAYERS - 1) + 3)
                + LAYERS * 2 * n * n * d
                + DUAL_LAYERS * 2 * ni * ni * d
                + nt * JOINT_ATTENTION_DIM * d + 2 * ni * PATCH_FEATURES * d
                + LAYERS * 15 * d * d;
        return 2 * macs * batch;
    }

    /** Writes {@code model.onnx} and its weights {@code model.onnx_data} into {@code dir}. */
    public static Built write(Path dir, Spec spec, long seed) throws IOException {
        Files.createDirectories(dir);
        Path model = dir.resolve("model.onnx");
        String dataName = "model.onnx_data";
        try (Weights w = new Weights(dir.resolve(dataName), dataName, seed)) {
            OnnxGraph g = new OnnxGraph("mmdit_x_blocks", false);
            w.graph = g;
            int d = spec.hidden();
            String x = g.floatInput("hidden_states", "batch", spec.imageTokens(), d);
            String c = g.floatInput("encoder_hidden_states", "batch", spec.textTokens(), d);
            String temb = g.floatInput("temb", "batch", d);
            String siluT = g.mul(temb, g.op("Sigmoid", temb));
            for (int i = 0; i < spec.blocks(); i++) {
                String[] out = block(g, w, spec, x, c, siluT, i < spec.dualBlocks());
                x = out[0];
                c = out[1];
            }
            g.floatOutput("out_hidden_states", x, "batch", spec.imageTokens(), d);
            g.floatOutput("out_encoder_hidden_states", c, "batch", spec.textTokens(), d);
            ModelProto proto = g.build("SD 3.5 Medium MMDiT-X joint blocks with random weights (easel bench sd3-block)", OPSET);
            try (OutputStream o = Files.newOutputStream(model)) {
                proto.writeTo(o);
            }
            return new Built(model, w.offset / 4, w.offset);
        }
    }

    /** A plain [M,K]·[K,N] MatMul with random weights (the reference for the GEMM throughput), in {@code dir}. */
    public static Path writeMatMul(Path dir, int k, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        Path model = dir.resolve("matmul.onnx");
        try (Weights w = new Weights(dir.resolve("matmul.onnx_data"), "matmul.onnx_data", seed)) {
            OnnxGraph g = new OnnxGraph("matmul", false);
            w.graph = g;
            g.floatOutput("y", g.matmul(g.floatInput("x", "m", k), w.tensor("weight", 1 / Math.sqrt(k), k, n)), "m", n);
            try (OutputStream o = Files.newOutputStream(model)) {
                g.build("plain MatMul (easel bench sd3-block)").writeTo(o);
            }
        }
        return model;
    }

    /** One joint block: returns {image tokens, text tokens}. */
    private static String[] block(OnnxGraph g, Weights w, Spec s, String x, String c, String siluT, boolean dual) {
        int d = s.hidden();
        String[] mx = modulation(g, w, s, siluT, dual ? 9 : 6);       // shift, scale, gate (msa); shift, scale, gate (mlp); (msa2)
        String[] mc = modulation(g, w, s, siluT, 6);
        String lnX = layerNorm(g, s, x);
        String nx = modulate(g, lnX, mx[0], mx[1]);
        String nc = modulate(g, layerNorm(g, s, c), mc[0], mc[1]);

        String[] qkvX = qkv(g, w, s, nx);
        String[] qkvC = qkv(g, w, s, nc);
        String[] joint = new String[3];
        for (int i = 0; i < 3; i++) joint[i] = g.op("Concat", new String[]{qkvX[i], qkvC[i]}, Map.of("axis", 2));   // image, then text
        String attn = merge(g, s, attention(g, s, joint));                                                    // [B,N,D]
        String[] parts = g.opN("Split", 2, new String[]{attn, splitSizes(g, x, c)}, Map.of("axis", 1));
        x = g.add(x, g.mul(mx[2], linear(g, w, parts[0], d, d)));
        c = g.add(c, g.mul(mc[2], linear(g, w, parts[1], d, d)));
        if (dual) {
            String n2 = modulate(g, lnX, mx[6], mx[7]);
            x = g.add(x, g.mul(mx[8], linear(g, w, merge(g, s, attention(g, s, qkv(g, w, s, n2))), d, d)));
        }
        x = g.add(x, g.mul(mx[5], mlp(g, w, d, modulate(g, layerNorm(g, s, x), mx[3], mx[4]))));
        c = g.add(c, g.mul(mc[5], mlp(g, w, d, modulate(g, layerNorm(g, s, c), mc[3], mc[4]))));
        return new String[]{x, c};
    }

    /** The per-sample adaLN vectors: Linear(SiLU(temb)) split into {@code k} [B,1,D] chunks. */
    private static String[] modulation(OnnxGraph g, Weights w, Spec s, String siluT, int k) {
        String m = linear(g, w, siluT, s.hidden(), k * s.hidden());
        String r = g.reshape(m, g.longs(0, k, s.hidden()));
        long[] sizes = new long[k];
        Arrays.fill(sizes, 1);
        return g.opN("Split", k, new String[]{r, g.longs("split", sizes, k)}, Map.of("axis", 1));
    }

    private static String layerNorm(OnnxGraph g, Spec s, String x) {
        return g.op("LayerNormalization", new String[]{x, g.floats("ln_scale", filled(s.hidden(), 1f), s.hidden()),
                g.floats("ln_bias", new float[s.hidden()], s.hidden())}, Map.of("axis", -1, "epsilon", 1e-6f));
    }

    private static String modulate(OnnxGraph g, String n, String shift, String scale) {
        return g.add(g.mul(n, g.add(scale, g.scalar(1f))), shift);
    }

    /** Q, K, V as [B,H,N,64], Q and K RMS-normalised per head. */
    private static String[] qkv(OnnxGraph g, Weights w, Spec s, String n) {
        String[] out = new String[3];
        for (int i = 0; i < 3; i++) {
            String h = g.reshape(linear(g, w, n, s.hidden(), s.hidden()), g.longs(0, 0, s.heads(), s.headDim()));   // [B,N,H,64]
            if (i < 2) h = rmsNorm(g, w, s, h);
            out[i] = g.op("Transpose", new String[]{h}, Map.of("perm", new long[]{0, 2, 1, 3}));
        }
        return out;
    }

    private static String rmsNorm(OnnxGraph g, Weights w, Spec s, String h) {
        String ms = g.op("ReduceMean", new String[]{g.op("Pow", h, g.scalar(2f)), g.longs(-1)}, Map.of("keepdims", 1));
        String inv = g.div(h, g.op("Sqrt", g.add(ms, g.scalar(1e-6f))));
        return g.mul(inv, w.tensor("rms_weight", 1.0, s.headDim()));
    }

    /** softmax(Q·Kᵀ/√64)·V over [B,H,N,64]. */
    private static String attention(OnnxGraph g, Spec s, String[] qkv) {
        String q = g.mul(qkv[0], g.scalar((float) (1 / Math.sqrt(s.headDim()))));
        String kt = g.op("Transpose", new String[]{qkv[1]}, Map.of("perm", new long[]{0, 1, 3, 2}));
        String p = g.op("Softmax", new String[]{g.matmul(q, kt)}, Map.of("axis", -1));
        return g.matmul(p, qkv[2]);
    }

    /** [B,H,N,64] → [B,N,D]. */
    private static String merge(OnnxGraph g, Spec s, String heads) {
        return g.reshape(g.op("Transpose", new String[]{heads}, Map.of("perm", new long[]{0, 2, 1, 3})), g.longs(0, 0, s.hidden()));
    }

    private static String splitSizes(OnnxGraph g, String x, String c) {
        String ni = g.op("Slice", g.op("Shape", x), g.longs(1), g.longs(2));
        String nt = g.op("Slice", g.op("Shape", c), g.longs(1), g.longs(2));
        return g.op("Concat", new String[]{ni, nt}, Map.of("axis", 0));
    }

    private static String mlp(OnnxGraph g, Weights w, int d, String n) {
        String h = g.op("Gelu", new String[]{linear(g, w, n, d, MLP_RATIO * d)}, Map.of("approximate", "tanh"));
        return linear(g, w, h, MLP_RATIO * d, d);
    }

    private static String linear(OnnxGraph g, Weights w, String x, int in, int out) {
        return g.add(g.matmul(x, w.tensor("weight", 1 / Math.sqrt(in), in, out)), w.tensor("bias", 0.02, out));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Random float32 weights streamed into the external-data file: uniform with the given standard deviation. */
    private static final class Weights implements AutoCloseable {
        private final FileChannel out;
        private final String location;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        private long state;
        long offset;
        OnnxGraph graph;

        Weights(Path file, String location, long seed) throws IOException {
            this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            this.location = location;
            this.state = seed * 0x9E3779B97F4A7C15L + 1;
        }

        /** A [dims] tensor; a 1-wide "rms_weight" is centred on 1 (scale), everything else on 0. */
        String tensor(String hint, double std, long... dims) {
            long n = 1;
            for (long v : dims) n *= v;
            double amp = Math.sqrt(3) * (hint.equals("rms_weight") ? 0.1 : std);
            float centre = hint.equals("rms_weight") ? 1f : 0f;
            try {
                for (long i = 0; i < n; i++) {
                    if (!buf.hasRemaining()) flush();
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    double u = (state >>> 11) * 0x1.0p-53 * 2 - 1;        // uniform in [−1, 1)
                    buf.putFloat(centre + (float) (amp * u));
                }
                flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String name = graph.externalInitializer(hint, TensorProto.DataType.FLOAT_VALUE, location, offset, 4 * n, dims);
            offset += 4 * n;
            return name;
        }

        private void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) out.write(buf);
            buf.clear();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
