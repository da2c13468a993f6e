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

    /** Runs the transformer on [B,16,h,w] latents. */
    static float[] transformer(float[] x, int b, int h, int w, float[] pooled, float[] timesteps) throws Exception {
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("hidden_states", floats(x, b, 16, h, w));
        in.put("encoder_hidden_states", floats(new float[b * 4 * DemoGraphs.T5_WIDTH], b, 4, DemoGraphs.T5_WIDTH));
        in.put("pooled_projections", floats(pooled, b, DemoGraphs.POOLED_WIDTH));
        in.put("timestep", floats(timesteps, b));
        return run1(session("transformer/model.onnx"), in, "out_hidden_states");
    }
}
