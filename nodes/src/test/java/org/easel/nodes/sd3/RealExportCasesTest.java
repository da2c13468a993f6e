package org.easel.nodes.sd3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.easel.engine.NodeException;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.onnx.ModelFiles;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxGraph;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.diffusion.FlowModelSampling;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What real SD 3.5 exports do that the demo model did not, each with a small strict model built here: a
 * transformer that patchifies 2×2 by floor division, bfloat16 inputs/outputs, weights in an external-data
 * file of another name, a CLIP exported without hidden states, a CLIP-G without text_embeds, an fp16 T5 that
 * overflows.
 */
class RealExportCasesTest {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int BF16 = TensorProto.DataType.BFLOAT16_VALUE;
    static final int FP16 = TensorProto.DataType.FLOAT16_VALUE;

    @TempDir
    static Path dir;
    static Path demo;
    static OnnxRuntime rt;

    @BeforeAll
    static void setUp() throws Exception {
        demo = DemoModels.checkpointDir(dir.resolve("models"));
        DemoModels.ensure(dir.resolve("models"));
        rt = new OnnxRuntime("cpu", null, 1L << 30);
    }

    /**
     * A strict transformer: like the real one it works on whole 2×2 patches (floor division), so an odd latent
     * gives a smaller output. Its velocity is each patch's mean, so the padded rows and columns matter.
     */
    static Path patchTransformer(String name, int ioType) throws Exception {
        OnnxGraph g = new OnnxGraph("strict_transformer", ioType);
        String x = g.floatInput("hidden_states", "batch", 16, "height", "width");
        g.floatInput("encoder_hidden_states", "batch", "tokens", 4096);
        g.floatInput("pooled_projections", "batch", 2048);
        g.floatInput("timestep", "batch");
        String mean = g.op("AveragePool", new String[]{x}, Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}));
        String up = g.op("Resize", new String[]{mean, "", g.floats("scales", new float[]{1, 1, 2, 2}, 4)}, Map.of("mode", "nearest"));
        g.floatOutput("out_hidden_states", up, "batch", 16, "out_height", "out_width");
        Path p = dir.resolve(name).resolve("model.onnx");
        Files.createDirectories(p.getParent());
        Files.write(p, g.build("strict floor-patchify transformer").toByteArray());
        return p;
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    /** x̂0 = x − σ·v with v the 2×2 patch mean of x padded circularly at the bottom/right (ComfyUI's pad_to_patch_size). */
    static float[] expectedDenoised(float[] x, int h, int w, double sigma) {
        int ph = h + h % 2, pw = w + w % 2;
        float[] out = new float[x.length];
        for (int c = 0; c < 16; c++) {
            for (int y = 0; y < h; y++) {
                for (int i = 0; i < w; i++) {
                    int y0 = y / 2 * 2, i0 = i / 2 * 2;
                    double m = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) m += x[(c * h + (y0 + dy) % h) * w + (i0 + dx) % w];
                    }
                    assertTrue(y0 + 1 < ph && i0 + 1 < pw);
                    out[(c * h + y) * w + i] = (float) (x[(c * h + y) * w + i] - sigma * m / 4);
                }
            }
        }
        return out;
    }

    static Conditioning someConditioning() {
        return Conditioning.of(FloatTensor.zeros(1, 154, 4096), FloatTensor.zeros(1, 2048));
    }

    @Test
    void oddLatentsArePaddedToWholePatchesAndCroppedBack() throws Exception {
        Path model = patchTransformer("odd", FLOAT);
        int h = 5, w = 7;
        float[] x = random(16 * h * w, 3);
        try (OnnxRuntime.Lease lease = rt.acquire(model)) {
            ModelSession s = lease.session();
            // the model itself is strict: an odd latent comes back smaller
            FloatTensor raw = s.run(Map.of("hidden_states", ModelSession.Input.of(x, 1, 16, h, w),
                    "encoder_hidden_states", ModelSession.Input.of(new float[154 * 4096], 1, 154, 4096),
                    "pooled_projections", ModelSession.Input.of(new float[2048], 1, 2048),
                    "timestep", ModelSession.Input.of(new float[]{500f}, 1))).get("out_hidden_states");
            assertArrayEquals(new int[]{1, 16, 4, 6}, raw.shape(), "floor patchify drops the odd row and column");

            try (Sd3Denoiser d = new Sd3Denoiser(s, new FlowModelSampling(3.0), someConditioning(), someConditioning(), 4.5, 1, 16, h, w)) {
                float[] got = d.denoise(x, 0.5);
                assertArrayEquals(expectedDenoised(x, h, w, 0.5), got, 1e-5f, "padded circularly, cropped back");
            }
        }
        // even sizes are untouched by the padding path; a batch of two odd latents works too
        float[] x2 = random(2 * 16 * 3 * 4, 4);
        try (OnnxRuntime.Lease lease = rt.acquire(model);
             Sd3Denoiser d = new Sd3Denoiser(lease.session(), new FlowModelSampling(3.0), someConditioning(), null, 1.0, 2, 16, 3, 4)) {
            float[] got = d.denoise(x2, 0.25);
            float[] first = new float[16 * 12];
            float[] second = new float[16 * 12];
            System.arraycopy(x2, 0, first, 0, first.length);
            System.arraycopy(x2, first.length, second, 0, second.length);
            float[] e1 = expectedDenoised(first, 3, 4, 0.25);
            float[] e2 = expectedDenoised(second, 3, 4, 0.25);
            for (int i = 0; i < e1.length; i++) {
                assertEquals(e1[i], got[i], 1e-5f);
                assertEquals(e2[i], got[e1.length + i], 1e-5f);
            }
        }
    }

    @Test
    void bfloat16InputsAndOutputsAreConvertedAtTheBoundary() throws Exception {
        Path model = patchTransformer("bf16", BF16);
        int h = 4, w = 6;
        float[] x = random(16 * h * w, 5);
        try (OnnxRuntime.Lease lease = rt.acquire(model)) {
            ModelSession s = lease.session();
            assertEquals(OnnxJavaType.BFLOAT16, s.inputInfo("hidden_states").type);
            assertEquals(OnnxJavaType.BFLOAT16, s.outputInfo("out_hidden_states").type);
            try (Sd3Denoiser d = new Sd3Denoiser(s, new FlowModelSampling(3.0), someConditioning(), someConditioning(), 4.5, 1, 16, h, w)) {
                float[] got = d.denoise(x, 0.5);
                float[] want = expectedDenoised(x, h, w, 0.5);
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 0.03, "bf16 has 8 bits of mantissa");
            }
        }
    }

    /** A small model whose 64×64 weight matrix lives in an external-data file named {@code dataName}. */
    static Path externalModel(String folder, String dataName) throws Exception {
        OnnxGraph g = new OnnxGraph("external", false);
        String x = g.floatInput("x", "batch", 64);
        float[] wt = new float[64 * 64];
        for (int i = 0; i < 64; i++) wt[i * 64 + (63 - i)] = 2f;          // reverses and doubles
        g.floatOutput("y", g.matmul(x, g.floats("weight", wt, 64, 64)), "batch", 64);
        Path p = dir.resolve(folder).resolve("model.onnx");
        OnnxGraph.writeWithExternalData(g.build("external data"), p, dataName, 1024);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.onnx.data", "weights.pb"})
    void externalDataUnderAnyNameIsFoundCountedAndNeverCached(String dataName) throws Exception {
        Path model = externalModel("ext-" + dataName, dataName);
        Path data = model.resolveSibling(dataName);
        assertTrue(Files.size(data) >= 64 * 64 * 4, "the weights are in " + dataName);
        assertTrue(Files.size(model) < 2048, "the model file holds only the graph");

        ModelFiles files = ModelFiles.of(model);
        assertEquals(List.of(data.toAbsolutePath().normalize()), files.externalData());
        assertEquals(Files.size(model) + Files.size(data), files.totalBytes());

        Path cache = dir.resolve("cache-" + dataName);
        try (OnnxRuntime cached = new OnnxRuntime("cpu", cache, 1L << 30); OnnxRuntime.Lease l = cached.acquire(model)) {
            float[] in = new float[64];
            for (int i = 0; i < 64; i++) in[i] = i;
            FloatTensor y = l.session().run(Map.of("x", ModelSession.Input.of(in, 1, 64))).get("y");
            assertEquals(2f * 63, y.get(0), 1e-6);
            assertEquals(0f, y.get(63), 1e-6);
            assertEquals(Files.size(model) + Files.size(data), l.session().bytes(), "the memory budget counts the weights");
        }
        try (Stream<Path> s = Files.exists(cache) ? Files.list(cache) : Stream.empty()) {
            assertEquals(0, s.count(), "no optimised copy of a model with external data");
        }
        // the same model with inline weights has no external files
        OnnxGraph g = new OnnxGraph("inline", false);
        g.floatOutput("y", g.matmul(g.floatInput("x", 1, 4), g.floats("w", new float[16], 4, 4)), 1, 4);
        Path inline = dir.resolve("inline-" + dataName + ".onnx");
        Files.write(inline, g.build("inline").toByteArray());
        assertFalse(ModelFiles.of(inline).hasExternalData());
    }

    /** A CLIP text encoder as exported without output_hidden_states: last_hidden_state and a pooled output only. */
    static Path clipWithout(String name, int width, boolean hiddenStates, String pooledName) throws Exception {
        OnnxGraph g = new OnnxGraph(name, false);
        String ids = g.int64Input("input_ids", "batch", "sequence");
        String f = g.op("Cast", new String[]{g.op("Unsqueeze", ids, g.longs(-1))}, Map.of("to", FLOAT));
        String states = g.mul(f, g.floats("w", random(width, 9), width));       // [B,S,width]
        g.floatOutput("last_hidden_state", states, "batch", "sequence", width);
        g.floatOutput(pooledName, g.op("ReduceMean", new String[]{states, g.longs(1)}, Map.of("keepdims", 0)), "batch", width);
        if (hiddenStates) {
            for (int i = 0; i <= 2; i++) g.floatOutput("hidden_states." + i, g.mul(states, g.scalar(i + 1)), "batch", "sequence", width);
        }
        Path p = dir.resolve(name).resolve("model.onnx");
        Files.createDirectories(p.getParent());
        Files.write(p, g.build(name).toByteArray());
        return p;
    }

    @Test
    void clipWithoutHiddenStatesIsAnErrorSayingHowToExport() throws Exception {
        Path l = clipWithout("clip-l-no-hidden", 768, false, "text_embeds");
        TextEncoder enc = TextEncoder.detect(rt, l, demo.resolve("tokenizer"));
        assertEquals(TextEncoder.Kind.CLIP_L, enc.kind(), "a CLIP without hidden states is still a CLIP, not a T5");
        Sd3Clip clip = new Sd3Clip(enc, null, null);
        NodeException e = assertThrows(NodeException.class, () -> clip.encode(rt, "a red circle"));
        assertTrue(e.getMessage().contains("no hidden_states.N outputs") && e.getMessage().contains("output_hidden_states")
                && e.getMessage().contains("last_hidden_state is not"), e.getMessage());
    }

    @Test
    void clipGWithoutTextEmbedsIsAnErrorButClipLMayUsePoolerOutput() throws Exception {
        Path g = clipWithout("clip-g-pooler", 1280, true, "pooler_output");
        TextEncoder enc = TextEncoder.detect(rt, g, demo.resolve("tokenizer_2"));
        assertEquals(TextEncoder.Kind.CLIP_G, enc.kind());
        NodeException e = assertThrows(NodeException.class, () -> new Sd3Clip(null, enc, null).encode(rt, "a red circle"));
        assertTrue(e.getMessage().contains("no text_embeds") && e.getMessage().contains("unprojected")
                && e.getMessage().contains("CLIPTextModelWithProjection"), e.getMessage());

        // SD3's CLIP-L projection is the identity, so its pooler_output is the same vector
        Path l = clipWithout("clip-l-pooler", 768, true, "pooler_output");
        TextEncoder le = TextEncoder.detect(rt, l, demo.resolve("tokenizer"));
        Conditioning.Entry c = new Sd3Clip(le, null, null).encode(rt, "a red circle").entries().get(0);
        assertArrayEquals(new int[]{1, 77, 4096}, c.context().shape());
        assertTrue(Math.abs(c.pooled().get(0)) > 0, "pooled from pooler_output");
        // the penultimate state (hidden_states.1 = 2 × states) is used, not last_hidden_state (1 ×)
        assertEquals(2 * 49406 * clipWeight(768, 0), c.context().get(0), 1e-1, "BOS token, first column");
    }

    static float clipWeight(int width, int column) {
        return random(width, 9)[column];
    }

    @Test
    void anFp16T5ThatOverflowsSaysToUseFp32() throws Exception {
        OnnxGraph g = new OnnxGraph("t5_fp16", FP16);
        String ids = g.int64Input("input_ids", "batch", "sequence");
        String f = g.op("Cast", new String[]{g.op("Unsqueeze", ids, g.longs(-1))}, Map.of("to", FLOAT));
        // activations past float16's 65504, as T5-XXL's feed-forward produces
        String states = g.mul(g.add(f, g.scalar(1f)), g.floats("w", new float[4096], 4096));
        String big = g.add(states, g.scalar(1e5f));
        g.floatOutput("last_hidden_state", big, "batch", "sequence", 4096);
        Path p = dir.resolve("t5-fp16").resolve("model.onnx");
        Files.createDirectories(p.getParent());
        Files.write(p, g.build("overflowing fp16 T5").toByteArray());
        TextEncoder t5 = TextEncoder.detect(rt, p, demo.resolve("tokenizer_3"));
        assertEquals(TextEncoder.Kind.T5, t5.kind());
        NodeException e = assertThrows(NodeException.class, () -> new Sd3Clip(null, null, t5).encode(rt, "a red circle"));
        assertTrue(e.getMessage().contains("non-finite") && e.getMessage().contains("float32 T5")
                && e.getMessage().contains("FLOAT16"), e.getMessage());
    }
}
