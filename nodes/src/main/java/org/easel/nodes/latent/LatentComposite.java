package org.easel.nodes.latent;

import java.util.Arrays;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;
import org.easel.nodes.types.Limits;
import org.easel.nodes.types.TensorInputs;

/**
 * ComfyUI's LatentComposite: pastes samples_from into samples_to at (x // 8, y // 8), clipped to
 * samples_to; with {@code feather} (// 8) the pasted edges that lie inside samples_to fade linearly over
 * that many latent pixels. A samples_from batch of one is broadcast. samples_to's noise mask and batch
 * index are kept.
 */
public final class LatentComposite implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LatentComposite").displayName("Latent Composite")
            .category("latent")
            .required(InputSpec.socket("samples_to", Types.LATENT), InputSpec.socket("samples_from", Types.LATENT),
                    InputSpec.integer("x", 0, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("y", 0, 0, Limits.MAX_RESOLUTION).step(8),
                    InputSpec.integer("feather", 0, 0, Limits.MAX_RESOLUTION).step(8))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) {
        Latent to = TensorInputs.latent(in, "samples_to"), from = TensorInputs.latent(in, "samples_from");
        FloatTensor st = to.samples(), sf = from.samples();
        int b = st.dim(0), c = st.dim(1), h = st.dim(2), w = st.dim(3);
        int fb = sf.dim(0), fh = sf.dim(2), fw = sf.dim(3);
        if (sf.dim(1) != c) throw in.error("samples_from", "samples_from has " + sf.dim(1) + " channels but samples_to has " + c);
        if (fb != b && fb != 1) {
            throw in.error("samples_from", "samples_from: batch of " + fb + " does not match samples_to's batch of " + b
                    + " (it must be 1 or equal)");
        }
        int x = in.getInt("x") / 8, y = in.getInt("y") / 8, feather = in.getInt("feather") / 8;
        float[] out = st.toArray();
        if (x >= w || y >= h) return NodeOutput.of(to.withSamples(FloatTensor.wrap(out, st.shape())));
        int rh = Math.min(fh, h - y), rw = Math.min(fw, w - x);
        float[] mask = null;
        if (feather > 0) {
            mask = new float[rh * rw];
            Arrays.fill(mask, 1f);
            for (int t = 0; t < feather; t++) {
                float fac = (float) ((1.0 / feather) * (t + 1));
                if (y != 0) scaleRows(mask, rh, rw, t, t + 1, fac);
                if (y + rh < h) scaleRows(mask, rh, rw, rh - 1 - t, rh - t, fac);
                if (x != 0) scaleCols(mask, rh, rw, t, t + 1, fac);
                if (x + rw < w) scaleCols(mask, rh, rw, rw - 1 - t, rw - t, fac);
            }
        }
        float[] src = sf.toArray();
        for (int bi = 0; bi < b; bi++) {
            int sbi = fb == 1 ? 0 : bi;
            for (int ci = 0; ci < c; ci++) {
                for (int yy = 0; yy < rh; yy++) {
                    int so = ((sbi * c + ci) * fh + yy) * fw, dof = ((bi * c + ci) * h + y + yy) * w + x;
                    for (int xx = 0; xx < rw; xx++) {
                        if (mask == null) {
                            out[dof + xx] = src[so + xx];
                        } else {
                            float m = mask[yy * rw + xx];
                            out[dof + xx] = src[so + xx] * m + out[dof + xx] * (1f - m);
                        }
                    }
                }
            }
        }
        return NodeOutput.of(to.withSamples(FloatTensor.wrap(out, st.shape())));
    }

    /** Python's {@code [start:stop]} on a dimension of {@code len} (negative indices count from the end). */
    static int[] pySlice(int start, int stop, int len) {
        if (start < 0) start = Math.max(0, start + len);
        if (stop < 0) stop = Math.max(0, stop + len);
        start = Math.min(start, len);
        stop = Math.min(stop, len);
        return new int[] {start, Math.max(start, stop)};
    }

    private static void scaleRows(float[] m, int rh, int rw, int start, int stop, float fac) {
        int[] r = pySlice(start, stop, rh);
        for (int yy = r[0]; yy < r[1]; yy++) for (int xx = 0; xx < rw; xx++) m[yy * rw + xx] *= fac;
    }

    private static void scaleCols(float[] m, int rh, int rw, int start, int stop, float fac) {
        int[] r = pySlice(start, stop, rw);
        for (int yy = 0; yy < rh; yy++) for (int xx = r[0]; xx < r[1]; xx++) m[yy * rw + xx] *= fac;
    }
}
