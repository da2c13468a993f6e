package org.easel.nodes.sd3;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.NodeException;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.diffusion.Denoiser;
import org.easel.nodes.diffusion.FlowModelSampling;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.FloatTensor;
import ai.onnxruntime.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;

/**
 * The SD3 transformer as a k-diffusion denoiser with classifier-free guidance: for noise level σ it runs
 * the transformer on x for every active positive and negative conditioning entry — batched into one
 * session call per context length — turns the predicted velocity into x̂0 = x − σ·v, averages the entries
 * of each side (weighted by strength) and returns {@code uncond + cfg·(cond − uncond)}. With cfg = 1 the
 * negative side is skipped. Entries apply only inside their timestep range. Latents of odd height or width
 * are padded to whole 2×2 patches for the model and its output cropped back.
 */
public final class Sd3Denoiser implements Denoiser, AutoCloseable {
    private final ModelSession session;
    private final FlowModelSampling sampling;
    private final List<Conditioning.Entry> positive;
    private final List<Conditioning.Entry> negative;
    private final double cfg;
    private final int batch;
    private final int[] itemShape;     // C, h, w
    /** The transformer's patch size: SD3 patchifies the latent in 2×2 patches. */
    static final int PATCH = 2;
    private int calls;
    /** The model input of the last call (x repeated per entry), reused between steps. */
    private float[] hidden = new float[0];
    /** The velocity of the last call, reused between steps. */
    private float[] vel = new float[0];
    /** Output buffers per batch size (the model writes its velocity straight into them). */
    private final Map<Integer, ModelSession.OutputBuffer> outputs = new HashMap<>();
    /** Conditioning tensors per group of entries: the same at every step, so made once. */
    private final Map<List<Conditioning.Entry>, OnnxTensor[]> condTensors = new HashMap<>();

    public Sd3Denoiser(ModelSession session, FlowModelSampling sampling, Conditioning positive, Conditioning negative,
                       double cfg, int batch, int channels, int height, int width) {
        this.session = session;
        this.sampling = sampling;
        this.positive = positive.entries();
        this.negative = negative == null ? List.of() : negative.entries();
        this.cfg = cfg;
        this.batch = batch;
        this.itemShape = new int[]{channels, height, width};
        if (this.positive.isEmpty()) throw new NodeException("positive conditioning is empty");
    }

    public int calls() { return calls; }

    private List<Conditioning.Entry> active(List<Conditioning.Entry> entries, double sigma) {
        List<Conditioning.Entry> a = new ArrayList<>();
        for (Conditioning.Entry e : entries) {
            double hi = sampling.percentToSigma(e.start());
            double lo = sampling.percentToSigma(e.end());
            if (sigma <= hi + 1e-9 && sigma >= lo - 1e-9) a.add(e);
        }
        return a.isEmpty() ? entries : a;
    }

    @Override
    public float[] denoise(float[] x, double sigma) throws OrtException {
        List<Conditioning.Entry> pos = active(positive, sigma);
        List<Conditioning.Entry> neg = cfg == 1.0 || negative.isEmpty() ? List.of() : active(negative, sigma);
        List<Conditioning.Entry> all = new ArrayList<>(pos);
        all.addAll(neg);
        float[][] denoised = predict(all, x, sigma);      // per entry: x̂0 for the whole batch
        float[] cond = average(denoised, pos, 0);
        if (neg.isEmpty()) return cond;
        float[] uncond = average(denoised, neg, pos.size());
        float[] out = new float[cond.length];
        float scale = (float) cfg;
        for (int i = 0; i < out.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
        return out;
    }

    private static float[] average(float[][] preds, List<Conditioning.Entry> entries, int offset) {
        if (entries.size() == 1) return preds[offset];
        float[] sum = new float[preds[offset].length];
        double total = 0;
        for (int e = 0; e < entries.size(); e++) {
            double w = entries.get(e).strength();
            total += w;
            float[] p = preds[offset + e];
            for (int i = 0; i < sum.length; i++) sum[i] += (float) (w * p[i]);
        }
        if (total != 0) for (int i = 0; i < sum.length; i++) sum[i] /= (float) total;
        return sum;
    }

    /** x̂0 for each entry; entries with the same context length share one session call. */
    private float[][] predict(List<Conditioning.Entry> entries, float[] x, double sigma) throws OrtException {
        int ch = itemShape[0], h = itemShape[1], w = itemShape[2];
        int item = ch * h * w;
        // the transformer patchifies 2×2 by floor division: an odd latent is padded circularly at the bottom/right
        // to whole patches and the output cropped back (as ComfyUI's pad_to_patch_size)
        int ph = h + h % PATCH, pw = w + w % PATCH;
        int padded = ch * ph * pw;
        float[][] result = new float[entries.size()][];
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int e = 0; e < entries.size(); e++) {
            byLength.computeIfAbsent(entries.get(e).context().dim(1), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
            List<Integer> idx = group.getValue();
            int n = idx.size() * batch;
            int len = group.getKey();
            int width = entries.get(idx.get(0)).context().dim(2);
            int pooledWidth = entries.get(idx.get(0)).pooled().dim(1);
            if (hidden.length != n * padded) hidden = new float[n * padded];
            float[] t = new float[n];
            List<Conditioning.Entry> groupEntries = new ArrayList<>();
            for (int e : idx) groupEntries.add(entries.get(e));
            int r = 0;
            for (int e : idx) {
                for (int b = 0; b < batch; b++, r++) {
                    if (padded == item) System.arraycopy(x, b * item, hidden, r * item, item);
                    else padCircular(x, b * item, hidden, r * padded, ch, h, w, ph, pw);
                    t[r] = (float) sampling.timestep(sigma);
                }
            }
            OnnxTensor[] cond = condTensors.get(groupEntries);
            if (cond == null) {
                cond = conditioningTensors(groupEntries, len, width, pooledWidth);
                condTensors.put(groupEntries, cond);
            }
            Map<String, ModelSession.Input> in = new LinkedHashMap<>();
            in.put("hidden_states", ModelSession.Input.of(hidden, n, ch, ph, pw));
            in.put("timestep", ModelSession.Input.of(t, n));
            Map<String, OnnxTensor> pre = Map.of("encoder_hidden_states", cond[0], "pooled_projections", cond[1]);
            String outName = session.outputNames().iterator().next();
            FloatBuffer vb;
            int vsize;
            ModelSession.OutputBuffer ob = outputs.get(n);
            if (ob == null && !outputs.containsKey(n)) {
                ob = session.outputBuffer(outName, n, ch, ph, pw);
                outputs.put(n, ob);
            }
            if (ob != null) {
                session.runInto(in, pre, ob);
                vb = ob.values();
                vsize = vb.capacity();
            } else {                                  // e.g. a float16 output: converted copy
                FloatTensor v = session.run(in, pre, outName).get(outName);
                vb = v.buffer();
                vsize = v.size();
            }
            calls++;
            float sf = (float) sigma;
            if (vel.length < vsize) vel = new float[vsize];
            vb.get(0, vel, 0, vsize);                  // one bulk copy; the loop below then vectorises
            if (vsize != hidden.length) {
                throw new NodeException("the transformer returned " + vsize + " values for " + n + " latents of " + ch + "×"
                        + ph + "×" + pw);
            }
            r = 0;
            for (int e : idx) {
                float[] d = new float[batch * item];
                for (int b = 0; b < batch; b++, r++) {
                    int off = r * padded;
                    int xo = b * item;
                    if (padded == item) {
                        for (int i = 0; i < item; i++) d[xo + i] = x[xo + i] - sf * vel[off + i];
                    } else {
                        for (int c = 0; c < ch; c++) {
                            for (int y = 0; y < h; y++) {
                                int src = off + (c * ph + y) * pw;
                                int dst = xo + (c * h + y) * w;
                                for (int i = 0; i < w; i++) d[dst + i] = x[dst + i] - sf * vel[src + i];
                            }
                        }
                    }
                }
                result[e] = d;
            }
        }
        return result;
    }

    /** Copies one [C,h,w] latent into a [C,ph,pw] one, wrapping rows and columns around past the bottom/right edge. */
    static void padCircular(float[] src, int so, float[] dst, int dOff, int ch, int h, int w, int ph, int pw) {
        for (int c = 0; c < ch; c++) {
            for (int y = 0; y < ph; y++) {
                int s = so + (c * h + y % h) * w;
                int d = dOff + (c * ph + y) * pw;
                System.arraycopy(src, s, dst, d, w);
                for (int i = w; i < pw; i++) dst[d + i] = src[s + i % w];
            }
        }
    }

    /** [n,L,W] context and [n,P] pooled tensors for a group of entries, each repeated over the batch. */
    private OnnxTensor[] conditioningTensors(List<Conditioning.Entry> group, int len, int width, int pooledWidth)
            throws OrtException {
        int n = group.size() * batch;
        OnnxTensor a = tensor("encoder_hidden_states", group, true, len * width, n, len, width);
        try {
            return new OnnxTensor[]{a, tensor("pooled_projections", group, false, pooledWidth, n, pooledWidth)};
        } catch (OrtException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** Rows of each entry's context (or pooled) tensor, repeated per batch item, as one model input. */
    private OnnxTensor tensor(String input, List<Conditioning.Entry> group, boolean context, int row, long... shape)
            throws OrtException {
        int n = (int) shape[0];
        boolean direct = session.takesFloat32(input);
        FloatBuffer buf = direct
                ? ByteBuffer.allocateDirect(4 * n * row).order(ByteOrder.nativeOrder()).asFloatBuffer()
                : FloatBuffer.allocate(n * row);
        for (Conditioning.Entry c : group) {
            FloatTensor t = context ? c.context() : c.pooled();
            for (int b = 0; b < batch; b++) {
                int cb = t.dim(0) > b ? b : 0;          // one tensor for the batch, or one per item
                buf.put(t.buffer().position(cb * row).limit((cb + 1) * row));
            }
        }
        buf.rewind();
        if (direct) return session.floatTensor(buf, shape);
        return session.tensor(input, ModelSession.Input.of(buf.array(), shape));     // e.g. a float16 model
    }

    @Override
    public void close() {
        outputs.values().forEach(o -> { if (o != null) o.close(); });
        outputs.clear();
        for (OnnxTensor[] ts : condTensors.values()) for (OnnxTensor t : ts) t.close();
        condTensors.clear();
    }
}
