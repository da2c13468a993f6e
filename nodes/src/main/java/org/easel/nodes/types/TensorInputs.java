package org.easel.nodes.types;

import org.easel.engine.NodeException;
import org.easel.engine.NodeInputs;

/**
 * Shared input checks and batch helpers of the image/mask/latent toolbox nodes: every failure is a
 * {@link NodeException} naming the offending input.
 */
public final class TensorInputs {

    private TensorInputs() {}

    /** An IMAGE input [B,H,W,C] with B, H, W, C all at least 1. */
    public static FloatTensor image(NodeInputs in, String name) {
        FloatTensor t = in.get(name, FloatTensor.class);
        if (t.rank() != 4) throw in.error(name, name + ": expected an IMAGE [B,H,W,C], got " + t);
        for (int d : t.shape()) if (d < 1) throw in.error(name, name + ": empty IMAGE " + t);
        return t;
    }

    /** A MASK input as [B,H,W]; a [H,W] mask is taken as a batch of one. */
    public static FloatTensor mask(NodeInputs in, String name) {
        return asMask(in, name, in.get(name, FloatTensor.class));
    }

    /** {@code t} as a [B,H,W] mask ([H,W] → [1,H,W], [B,1,H,W] → [B,H,W]). */
    public static FloatTensor asMask(NodeInputs in, String name, FloatTensor t) {
        FloatTensor m = switch (t.rank()) {
            case 2 -> t.reshape(1, t.dim(0), t.dim(1));
            case 3 -> t;
            case 4 -> t.dim(1) == 1 ? t.reshape(t.dim(0), t.dim(2), t.dim(3)) : null;
            default -> null;
        };
        if (m == null) throw in.error(name, name + ": expected a MASK [B,H,W] or [H,W], got " + t);
        for (int d : m.shape()) if (d < 1) throw in.error(name, name + ": empty MASK " + t);
        return m;
    }

    /** A LATENT input with a non-empty [B,C,h,w] batch. */
    public static Latent latent(NodeInputs in, String name) {
        Latent l = in.get(name, Latent.class);
        for (int d : l.samples().shape()) if (d < 1) throw in.error(name, name + ": empty LATENT " + l.samples());
        return l;
    }

    /** Fails (naming {@code input}) unless a result of width × height pixels is within 1..MAX per side. */
    public static void checkSize(NodeInputs in, String input, long width, long height) {
        if (width < 1 || height < 1) {
            throw in.error(input, input + ": the result would be empty (" + width + "×" + height + " px)");
        }
        if (width > Limits.MAX_RESOLUTION || height > Limits.MAX_RESOLUTION) {
            throw in.error(input, input + ": the result would be " + width + "×" + height + " px, over the limit of "
                    + Limits.MAX_RESOLUTION + " px per side");
        }
    }

    /** Fails (naming {@code input}) when a tensor of that many values cannot be held in one array. */
    public static void checkCount(NodeInputs in, String input, long values) {
        if (values > Integer.MAX_VALUE - 16) {
            throw in.error(input, input + ": the result would hold " + values + " values, too large for one tensor");
        }
    }

    /**
     * ComfyUI's {@code repeat_to_batch_size}: the first {@code n} items of the batch repeated as often as
     * needed (a larger batch is truncated).
     */
    public static FloatTensor repeatToBatch(FloatTensor t, int n) {
        int b = t.dim(0);
        if (b == n) return t;
        int item = t.size() / b;
        float[] d = new float[n * item];
        for (int i = 0; i < n; i++) t.copyTo((i % b) * item, d, i * item, item);
        int[] shape = t.shape();
        shape[0] = n;
        return FloatTensor.wrap(d, shape);
    }

    /** Python's {@code t[start:stop]} along the batch dimension (indices already non-negative; clipped). */
    public static FloatTensor sliceBatch(FloatTensor t, int start, int stop) {
        int b = t.dim(0);
        start = Math.min(Math.max(start, 0), b);
        stop = Math.min(Math.max(stop, start), b);
        int item = t.size() / b;
        float[] d = new float[(stop - start) * item];
        t.copyTo(start * item, d, 0, d.length);
        int[] shape = t.shape();
        shape[0] = stop - start;
        return FloatTensor.wrap(d, shape);
    }

    /** {@code torch.cat((a, b), dim=0)} for tensors of equal item shape. */
    public static FloatTensor concatBatch(FloatTensor a, FloatTensor b) {
        float[] d = new float[a.size() + b.size()];
        a.copyTo(0, d, 0, a.size());
        b.copyTo(0, d, a.size(), b.size());
        int[] shape = a.shape();
        shape[0] = a.dim(0) + b.dim(0);
        return FloatTensor.wrap(d, shape);
    }

    /** Python's {@code round} (half to even) of a non-negative double, as a long. */
    public static long pyRound(double v) {
        return (long) Math.rint(v);
    }
}
