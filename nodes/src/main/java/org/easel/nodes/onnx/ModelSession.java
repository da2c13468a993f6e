package org.easel.nodes.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easel.nodes.types.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * One ONNX model loaded in an ONNX Runtime session, with its input and output names, types and shapes read
 * from the session. {@link #run} takes float and int64 arrays and converts at the boundary to what the
 * model declares (float32/float16/bfloat16/float64, int64/int32), and returns float32 outputs.
 */
public final class ModelSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path path;
    private final Device device;
    private final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
    private final Map<String, TensorInfo> outputs = new LinkedHashMap<>();
    private final long bytes;
    private long nanosInRun;

    ModelSession(OrtEnvironment env, OrtSession session, Path path, Device device, long bytes) throws OrtException {
        this.env = env;
        this.session = session;
        this.path = path;
        this.device = device;
        this.bytes = bytes;
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t) inputs.put(e.getKey(), t);
        }
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t) outputs.put(e.getKey(), t);
        }
    }

    public Path path() { return path; }
    public Device device() { return device; }
    public Set<String> inputNames() { return inputs.keySet(); }
    public Set<String> outputNames() { return outputs.keySet(); }
    public TensorInfo inputInfo(String name) { return inputs.get(name); }
    public TensorInfo outputInfo(String name) { return outputs.get(name); }
    /** Estimated memory: the model file and its external-data files. */
    public long bytes() { return bytes; }
    /** Total time spent inside {@code OrtSession.run}, for measuring overhead around it. */
    public synchronized long nanosInRun() { return nanosInRun; }

    /** An input value: float data or int64 ids, with its shape. */
    public record Input(float[] floats, long[] longs, long[] shape) {
        public static Input of(float[] data, long... shape) { return new Input(data, null, shape); }
        public static Input ids(long[] data, long... shape) { return new Input(null, data, shape); }
        public static Input of(FloatTensor t) {
            int[] s = t.shape();
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) shape[i] = s[i];
            return new Input(t.toArray(), null, shape);
        }
    }

    /** Runs the model on the named inputs and returns the requested outputs (all when none named) as float tensors. */
    public Map<String, FloatTensor> run(Map<String, Input> in, String... wanted) throws OrtException {
        return run(in, Map.of(), wanted);
    }

    /**
     * Like {@link #run(Map, String...)}, with some inputs given as tensors made earlier by {@link #tensor}
     * (e.g. the text conditioning, the same at every sampling step); those stay open for the caller to reuse.
     * One run at a time per session (its input buffers are reused).
     */
    public synchronized Map<String, FloatTensor> run(Map<String, Input> in, Map<String, OnnxTensor> prebuilt, String... wanted)
            throws OrtException {
        Map<String, OnnxTensor> made = new HashMap<>();
        try {
            Map<String, OnnxTensor> all = inputTensors(in, prebuilt, made);
            Set<String> names = wanted.length == 0 ? outputs.keySet() : Set.of(wanted);
            long t0 = System.nanoTime();
            try (OrtSession.Result r = session.run(all, names)) {
                nanosInRun += System.nanoTime() - t0;
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : r) {
                    out.put(e.getKey(), toFloat((OnnxTensor) e.getValue()));
                }
                return out;
            }
        } finally {
            made.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Every model input as a tensor: those given as arrays are converted (into {@code made}, which the caller
     * closes), the prebuilt ones are used as they are; inputs the model does not take are ignored.
     */
    private Map<String, OnnxTensor> inputTensors(Map<String, Input> in, Map<String, OnnxTensor> prebuilt,
                                                 Map<String, OnnxTensor> made) throws OrtException {
        for (String name : inputs.keySet()) {
            if (!in.containsKey(name) && !prebuilt.containsKey(name)) {
                throw new IllegalArgumentException(path.getFileName() + " needs input '" + name + "' (has " + inputs.keySet() + ")");
            }
        }
        for (Map.Entry<String, Input> e : in.entrySet()) {
            TensorInfo info = inputs.get(e.getKey());
            if (info != null) made.put(e.getKey(), toTensor(info, e.getValue(), e.getKey(), true));
        }
        Map<String, OnnxTensor> all = new HashMap<>(made);
        prebuilt.forEach((k, v) -> { if (inputs.containsKey(k)) all.put(k, v); });
        return all;
    }

    /**
     * A float32 output buffer the model writes into directly (no allocation or copy per run), or null when
     * the output is not float32. Use with {@link #runInto}; close the tensor when done.
     */
    public OutputBuffer outputBuffer(String output, long... shape) throws OrtException {
        TensorInfo info = outputs.get(output);
        if (info == null || info.type != OnnxJavaType.FLOAT) return null;
        long n = 1;
        for (long d : shape) n *= d;
        FloatBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(4 * n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return new OutputBuffer(output, b, OnnxTensor.createTensor(env, b, shape));
    }

    /** A pinned output: ONNX Runtime writes {@code values} in place. */
    public record OutputBuffer(String name, FloatBuffer values, OnnxTensor tensor) implements AutoCloseable {
        @Override
        public void close() { tensor.close(); }
    }

    /** Runs the model writing its output into {@code out} (see {@link #outputBuffer}). */
    public synchronized void runInto(Map<String, Input> in, Map<String, OnnxTensor> prebuilt, OutputBuffer out) throws OrtException {
        Map<String, OnnxTensor> made = new HashMap<>();
        try {
            Map<String, OnnxTensor> all = inputTensors(in, prebuilt, made);
            long t0 = System.nanoTime();
            try (OrtSession.Result r = session.run(all, Map.of(out.name(), out.tensor()))) {
                nanosInRun += System.nanoTime() - t0;
            }
        } finally {
            made.values().forEach(OnnxTensor::close);
        }
    }

    /** True when input {@code name} takes float32, so {@link #floatTensor} can wrap a direct buffer. */
    public boolean takesFloat32(String name) {
        TensorInfo info = inputs.get(name);
        return info != null && info.type == OnnxJavaType.FLOAT;
    }

    /** A float32 tensor over a direct buffer the caller filled (no copy); the caller closes it. */
    public OnnxTensor floatTensor(FloatBuffer direct, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, direct, shape);
    }

    /** A tensor for input {@code name} in the type the model declares; the caller closes it. */
    public OnnxTensor tensor(String name, Input v) throws OrtException {
        TensorInfo info = inputs.get(name);
        if (info == null) throw new IllegalArgumentException(path.getFileName() + " has no input '" + name + "'");
        return toTensor(info, v, name, false);
    }

    /** Direct buffers kept per input for {@link #run}: a sampler calls the same model with the same sizes. */
    private final Map<String, FloatBuffer> buffers = new HashMap<>();

    private FloatBuffer reusable(String name, int floats) {
        FloatBuffer b = buffers.get(name);
        if (b == null || b.capacity() < floats || b.capacity() > 4 * floats) {
            b = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
            buffers.put(name, b);
        }
        b.clear();
        b.limit(floats);
        return b.slice();
    }

    public boolean hasInput(String name) { return inputs.containsKey(name); }

    private OnnxTensor toTensor(TensorInfo info, Input v, String name, boolean reuse) throws OrtException {
        long[] shape = v.shape();
        switch (info.type) {
            case FLOAT: {
                float[] f = floats(v, name);       // a direct buffer: ONNX Runtime uses it without another copy
                FloatBuffer direct = reuse ? reusable(name, f.length) : ByteBuffer.allocateDirect(4 * f.length)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                direct.put(f).rewind();
                return OnnxTensor.createTensor(env, direct, shape);
            }
            case FLOAT16:
            case BFLOAT16: {                      // half-precision exports (--dtype fp16 / bf16): converted here
                float[] f = floats(v, name);
                short[] h = new short[f.length];
                if (info.type == OnnxJavaType.FLOAT16) {
                    for (int i = 0; i < f.length; i++) h[i] = Fp16Conversions.floatToFp16(f[i]);
                } else {
                    for (int i = 0; i < f.length; i++) h[i] = Fp16Conversions.floatToBf16(f[i]);
                }
                return OnnxTensor.createTensor(env, ShortBuffer.wrap(h), shape, info.type);
            }
            case DOUBLE: {
                float[] f = floats(v, name);
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) d[i] = f[i];
                return OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape);
            }
            case INT64: {
                return OnnxTensor.createTensor(env, LongBuffer.wrap(longs(v, name)), shape);
            }
            case INT32: {
                long[] l = longs(v, name);
                int[] i32 = new int[l.length];
                for (int i = 0; i < l.length; i++) i32[i] = Math.toIntExact(l[i]);
                return OnnxTensor.createTensor(env, IntBuffer.wrap(i32), shape);
            }
            default:
                throw new IllegalArgumentException(path.getFileName() + ": input '" + name + "' has unsupported type " + info.type);
        }
    }

    private float[] floats(Input v, String name) {
        if (v.floats() != null) return v.floats();
        long[] l = v.longs();
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) f[i] = l[i];
        return f;
    }

    private long[] longs(Input v, String name) {
        if (v.longs() != null) return v.longs();
        throw new IllegalArgumentException(path.getFileName() + ": input '" + name + "' takes integers");
    }

    private static FloatTensor toFloat(OnnxTensor t) {
        long[] s = t.getInfo().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) shape[i] = Math.toIntExact(s[i]);
        float[] data;
        switch (t.getInfo().type) {
            case FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();      // already a fresh heap copy: take its array
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
                    data = b.array();
                } else {
                    data = new float[b.remaining()];
                    b.get(data);
                }
            }
            case FLOAT16 -> {
                ShortBuffer b = t.getShortBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) data[i] = Fp16Conversions.fp16ToFloat(b.get(i));
            }
            case BFLOAT16 -> {
                ShortBuffer b = t.getShortBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) data[i] = Fp16Conversions.bf16ToFloat(b.get(i));
            }
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) data[i] = (float) b.get(i);
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                data = new float[b.remaining()];
                for (int i = 0; i < data.length; i++) data[i] = b.get(i);
            }
            default -> throw new IllegalStateException("unsupported output type " + t.getInfo().type);
        }
        return FloatTensor.wrap(data, shape);
    }

    /** Input names that are missing, for a clear error when a model is not the expected kind. */
    public List<String> missingInputs(String... expected) {
        List<String> missing = new ArrayList<>();
        for (String e : expected) if (!inputs.containsKey(e)) missing.add(e);
        return missing;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing
        }
    }
}
