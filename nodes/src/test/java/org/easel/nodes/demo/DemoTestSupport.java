package org.easel.nodes.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Shared, lazily generated FP32 demo models and ORT helpers for the demo tests. */
final class DemoTestSupport {
    private DemoTestSupport() {}

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static Path modelsDir;
    private static final Map<String, OrtSession> SESSIONS = new HashMap<>();

    static synchronized Path modelsDir() throws IOException {
        if (modelsDir == null) {
            Path dir = Files.createTempDirectory("easel-demo-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            DemoModels.ensure(dir);
            modelsDir = dir;
        }
        return modelsDir;
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
        }
    }

    /** A session for a model file relative to the checkpoint folder (e.g. "transformer/model.onnx"). */
    static synchronized OrtSession session(String rel) throws IOException, OrtException {
        OrtSession s = SESSIONS.get(rel);
        if (s == null) {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(2);
            s = ENV.createSession(DemoModels.checkpointDir(modelsDir()).resolve(rel).toString(), o);
            SESSIONS.put(rel, s);
        }
        return s;
    }

    static OnnxTensor floats(float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
    }

    static OnnxTensor longs(long[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, LongBuffer.wrap(data), shape);
    }

    static float[] run1(OrtSession s, Map<String, OnnxTensor> in, String out) throws OrtException {
        try (OrtSession.Result r = s.run(in)) {
            OnnxTensor t = (OnnxTensor) r.get(out).orElseThrow();
            FloatBuffer fb = t.getFloatBuffer();
            float[] a = new float[fb.remaining()];
            fb.get(a);
            return a;
        } finally {
            for (OnnxTensor t : in.values()) t.close();
        }
    }

    /** Pooled projections (2048) for a prompt, as the two CLIP encoders produce them. */
    static float[] pooledFor(String... words) {
        float[] p = new float[DemoGraphs.POOLED_WIDTH];
        for (String w : words) {
            int a = DemoVocabulary.attributeOf(w);
            if (a < 0) continue;
            p[a] += 1;
            p[DemoGraphs.CLIP_L_WIDTH + a] += 1;
        }
        return p;
    }

    /**
     * The context [B,2,4096] a correct SD3 join gives for the position words counted in each item's pooled vector
     * (its CLIP-L half): a CLIP row with CLIP-L's and CLIP-G's codes, and a T5 row with T5's.
     */
    static float[] contextFor(float[] pooled, int b) {
        int w = DemoGraphs.T5_WIDTH;
        float[] ctx = new float[b * 2 * w];
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < 3; p++) {
                float n = pooled[i * DemoGraphs.POOLED_WIDTH + DemoVocabulary.attributeOf(DemoVocabulary.POSITIONS.get(p))];
                ctx[(i * 2) * w + DemoGraphs.CLIP_L_CODE[p]] = n;
                ctx[(i * 2) * w + DemoGraphs.CLIP_L_WIDTH + DemoGraphs.CLIP_G_CODE[p]] = n;
                ctx[(i * 2 + 1) * w + DemoGraphs.T5_CODE[p]] = n;
            }
        }
        return ctx;
    }

    /** Runs the transformer on [B,16,h,w] latents, with the context of the position words in {@code pooled}. */
    static float[] transformer(float[] x, int b, int h, int w, float[] pooled, float[] timesteps) throws Exception {
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("hidden_states", floats(x, b, 16, h, w));
        in.put("encoder_hidden_states", floats(contextFor(pooled, b), b, 2, DemoGraphs.T5_WIDTH));
        in.put("pooled_projections", floats(pooled, b, DemoGraphs.POOLED_WIDTH));
        in.put("timestep", floats(timesteps, b));
        return run1(session("transformer/model.onnx"), in, "out_hidden_states");
    }
}
