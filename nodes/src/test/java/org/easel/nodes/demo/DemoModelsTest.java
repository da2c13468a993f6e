package org.easel.nodes.demo;

import org.easel.nodes.sd3.Sd3LatentSpace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import java.util.Arrays;

class DemoModelsTest {

    @Test
    void layoutIsComplete() throws Exception {
        Path m = DemoTestSupport.modelsDir();
        Path ck = m.resolve("checkpoints/easel-tiny-sd3");
        for (String f : List.of("model_index.json", "scheduler/scheduler_config.json",
                "text_encoder/model.onnx", "text_encoder/config.json", "text_encoder_2/model.onnx", "text_encoder_2/config.json",
                "text_encoder_3/model.onnx", "text_encoder_3/config.json", "transformer/model.onnx", "transformer/config.json",
                "vae_encoder/model.onnx", "vae_encoder/config.json", "vae_decoder/model.onnx", "vae_decoder/config.json",
                "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
                "tokenizer_2/vocab.json", "tokenizer_2/merges.txt", "tokenizer_2/tokenizer_config.json",
                "tokenizer_2/special_tokens_map.json", "tokenizer_3/tokenizer.json")) {
            assertTrue(Files.isRegularFile(ck.resolve(f)), f);
        }
        for (String f : List.of("text_encoders/easel-tiny-clip-l/model.onnx", "text_encoders/easel-tiny-clip-l/vocab.json",
                "text_encoders/easel-tiny-clip-l/merges.txt", "text_encoders/easel-tiny-clip-g/model.onnx",
                "text_encoders/easel-tiny-clip-g/vocab.json", "text_encoders/easel-tiny-clip-g/merges.txt",
                "text_encoders/easel-tiny-t5/model.onnx", "text_encoders/easel-tiny-t5/tokenizer.json",
                "vae/easel-tiny-sd3-vae/vae_encoder/model.onnx", "vae/easel-tiny-sd3-vae/vae_decoder/model.onnx",
                "diffusion_models/easel-tiny-sd3/model.onnx", "upscale_models/easel-tiny-upscale-x2.onnx")) {
            assertTrue(Files.isRegularFile(m.resolve(f)), f);
        }
        assertEquals(Files.size(ck.resolve("transformer/model.onnx")), Files.size(m.resolve("diffusion_models/easel-tiny-sd3/model.onnx")));
        String sched = Files.readString(ck.resolve("scheduler/scheduler_config.json"));
        assertTrue(sched.contains("FlowMatchEulerDiscreteScheduler") && sched.contains("\"shift\" : 3.0"), sched);
        try (Stream<Path> s = Files.list(m)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".easel-demo-")), "staging left behind");
        }
    }

    @Test
    void ensureIsIdempotentAndFast() throws Exception {
        Path dir = Files.createTempDirectory("easel-demo-ensure");
        try {
            long t0 = System.nanoTime();
            DemoModels.ensure(dir);
            long first = System.nanoTime() - t0;
            Path model = dir.resolve("checkpoints/easel-tiny-sd3/transformer/model.onnx");
            FileTime stamp = Files.getLastModifiedTime(model);
            t0 = System.nanoTime();
            DemoModels.ensure(dir);
            long second = System.nanoTime() - t0;
            assertEquals(stamp, Files.getLastModifiedTime(model));
            assertTrue(second < 50_000_000L, "second ensure took " + second / 1e6 + " ms");
            System.out.printf("demo models: first ensure %.0f ms, second %.2f ms%n", first / 1e6, second / 1e6);
            // a missing part is restored without touching the rest
            DemoTestSupport.deleteQuietly(dir.resolve("upscale_models"));
            DemoModels.ensure(dir);
            assertTrue(Files.isRegularFile(dir.resolve(DemoModels.UPSCALER)));
            assertEquals(stamp, Files.getLastModifiedTime(model));
        } finally {
            DemoTestSupport.deleteQuietly(dir);
        }
    }

    /** A models folder holding the first demo (no version in model_index.json) gets the current one, every part of it. */
    @Test
    void anOlderCachedDemoIsRegenerated() throws Exception {
        Path dir = Files.createTempDirectory("easel-demo-old");
        try {
            DemoModels.ensure(dir);
            Path index = dir.resolve(DemoModels.CHECKPOINT).resolve("model_index.json");
            Path transformer = dir.resolve(DemoModels.DIFFUSION_MODEL).resolve("model.onnx");
            byte[] current = Files.readAllBytes(transformer);
            // as the version-1 demo left it: no version marker, a different transformer
            Files.writeString(index, Files.readString(index).replace("\"_easel_demo_version\" : " + DemoModels.VERSION + ",", ""));
            assertEquals(0, DemoModels.installedVersion(index));
            Files.write(transformer, new byte[]{1, 2, 3});
            DemoModels.ensure(dir);
            assertEquals(DemoModels.VERSION, DemoModels.installedVersion(index));
            assertTrue(Arrays.equals(current, Files.readAllBytes(transformer)), "the separate diffusion model is replaced too");
            try (Stream<Path> s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".easel-demo-")), "staging left behind");
            }
        } finally {
            DemoTestSupport.deleteQuietly(dir);
        }
    }

    @Test
    void configsDescribeTheDemoAsItIs() throws Exception {
        Path ck = DemoModels.checkpointDir(DemoTestSupport.modelsDir());
        for (String part : List.of("transformer", "text_encoder", "text_encoder_2", "text_encoder_3", "vae_decoder")) {
            String cfg = Files.readString(ck.resolve(part).resolve("config.json"));
            assertTrue(cfg.contains("_easel_demo_description"), part);
            for (String claim : List.of("num_attention_heads", "\"num_layers\"", "intermediate_size", "block_out_channels", "d_ff")) {
                assertTrue(!cfg.contains(claim), part + " claims " + claim + " the demo graph does not have");
            }
        }
    }

    @Test
    void fp16VariantHasFloat16Io() throws Exception {
        Path dir = Files.createTempDirectory("easel-demo-fp16");
        try {
            Path ck = DemoModels.write(dir, DemoModels.Precision.FP16);
            for (String rel : List.of("transformer/model.onnx", "vae_decoder/model.onnx", "vae_encoder/model.onnx",
                    "text_encoder/model.onnx", "text_encoder_2/model.onnx", "text_encoder_3/model.onnx")) {
                try (OrtSession s = DemoTestSupport.ENV.createSession(ck.resolve(rel).toString())) {
                    for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
                        OnnxJavaType t = ((TensorInfo) e.getValue().getInfo()).type;
                        assertEquals(e.getKey().equals("input_ids") ? OnnxJavaType.INT64 : OnnxJavaType.FLOAT16, t, rel + " " + e.getKey());
                    }
                    for (NodeInfo n : s.getOutputInfo().values()) {
                        assertEquals(OnnxJavaType.FLOAT16, ((TensorInfo) n.getInfo()).type, rel + " " + n.getName());
                    }
                }
            }
            // the fp16 transformer computes the same thing (to fp16 precision)
            int h = 16, w = 24, d = 16 * h * w;
            float[] x = new float[d];
            Random r = new Random(7);
            for (int i = 0; i < d; i++) x[i] = (float) r.nextGaussian();
            float[] pooled = DemoTestSupport.pooledFor("green", "triangle");
            float[] ref = DemoTestSupport.transformer(x, 1, h, w, pooled, new float[] {600f});
            try (OrtSession s = DemoTestSupport.ENV.createSession(ck.resolve("transformer/model.onnx").toString())) {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("hidden_states", half(x, 1, 16, h, w));
                in.put("encoder_hidden_states", half(new float[4 * 4096], 1, 4, 4096));
                in.put("pooled_projections", half(pooled, 1, 2048));
                in.put("timestep", half(new float[] {600f}, 1));
                try (OrtSession.Result res = s.run(in)) {
                    ShortBuffer sb = ((OnnxTensor) res.get(0)).getShortBuffer();
                    double max = 0;
                    for (int i = 0; i < d; i++) max = Math.max(max, Math.abs(Fp16Conversions.fp16ToFloat(sb.get(i)) - ref[i]));
                    assertTrue(max < 0.02, "fp16 vs fp32 max diff " + max);
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        } finally {
            DemoTestSupport.deleteQuietly(dir);
        }
    }

    private static OnnxTensor half(float[] v, long... shape) throws Exception {
        ShortBuffer sb = Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(v));
        return OnnxTensor.createTensor(DemoTestSupport.ENV, sb, shape, OnnxJavaType.FLOAT16);
    }

    @Test
    void upscalerDoublesAndKeepsRange() throws Exception {
        Path f = DemoTestSupport.modelsDir().resolve(DemoModels.UPSCALER);
        int h = 20, w = 30;
        float[] img = new float[3 * h * w];
        for (int i = 0; i < img.length; i++) img[i] = (i % w) < w / 2 ? 0.1f : 0.9f;
        try (OrtSession s = DemoTestSupport.ENV.createSession(f.toString())) {
            float[] out = DemoTestSupport.run1(s, Map.of("input", DemoTestSupport.floats(img, 1, 3, h, w)), "output");
            assertEquals(3 * 4 * h * w, out.length);
            for (float v : out) assertTrue(v >= 0 && v <= 1);
            assertEquals(0.1f, out[2 * w * 5 + 3], 1e-3f); // flat region stays flat
            assertEquals(0.9f, out[2 * w * 5 + 2 * w - 4], 1e-3f);
        }
    }

    /** Whole pipeline: 20 Euler steps, shift 3, CFG 4.5, decode: the prompted shape and colour appear. */
    @Test
    void sampledPictureFollowsThePrompt() throws Exception {
        int h = 32, w = 48, d = 16 * h * w, steps = 20;
        double shift = 3, cfg = 4.5;
        float[] cond = DemoTestSupport.pooledFor("blue", "square", "right");
        float[] pooled = new float[2 * 2048];
        System.arraycopy(cond, 0, pooled, 2048, 2048); // [uncond, cond]
        Random r = new Random(11);
        float[] x = new float[d];
        for (int i = 0; i < d; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < steps; i++) {
            double t0 = 1 - i / (double) steps, t1 = 1 - (i + 1) / (double) steps;
            double s0 = shift * t0 / (1 + (shift - 1) * t0), s1 = shift * t1 / (1 + (shift - 1) * t1);
            float[] xx = new float[2 * d];
            System.arraycopy(x, 0, xx, 0, d);
            System.arraycopy(x, 0, xx, d, d);
            float[] u = DemoTestSupport.transformer(xx, 2, h, w, pooled, new float[] {(float) (s0 * 1000), (float) (s0 * 1000)});
            for (int j = 0; j < d; j++) {
                double g = u[j] + cfg * (u[d + j] - u[j]);
                x[j] += (float) ((s1 - s0) * g);
            }
        }
        float[] z = new float[d];
        for (int j = 0; j < d; j++) z[j] = (float) (x[j] / Sd3LatentSpace.SCALING_FACTOR + Sd3LatentSpace.SHIFT_FACTOR);
        float[] rgb = DemoTestSupport.run1(DemoTestSupport.session("vae_decoder/model.onnx"),
                Map.of("latent_sample", DemoTestSupport.floats(z, 1, 16, h, w)), "sample");
        int ph = 8 * h, pw = 8 * w;
        double[] blue = DemoTemplates.COLOUR_RGB[DemoVocabulary.COLOURS.indexOf("blue")];
        for (int c = 0; c < 3; c++) {
            double right = avg(rgb, c, ph, pw, ph / 2, (int) (0.75 * pw));
            double left = avg(rgb, c, ph, pw, ph / 2, (int) (0.25 * pw));
            assertEquals(2 * blue[c] - 1, right, 0.15, "shape colour, channel " + c);
            assertEquals(2 * DemoTemplates.BACKGROUND[c] - 1, left, 0.15, "background, channel " + c);
        }
    }

    private static double avg(float[] rgb, int c, int ph, int pw, int cy, int cx) {
        double s = 0;
        int n = 0;
        for (int y = cy - 8; y < cy + 8; y++)
            for (int x = cx - 8; x < cx + 8; x++) {
                s += rgb[(c * ph + y) * pw + x];
                n++;
            }
        return s / n;
    }
}
