package org.easel.nodes.types;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.easel.engine.SizedValue;

/**
 * An immutable dense float tensor in row-major order. IMAGE values are [B,H,W,C] in 0..1,
 * MASK values are [B,H,W], latents are [B,C,H,W]. The backing array is never handed out:
 * readers get a read-only buffer or a copy, so a node cannot corrupt a cached output.
 */
public final class FloatTensor implements SizedValue {
    private final int[] shape;
    private final float[] data;

    private FloatTensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Copies {@code data}. */
    public static FloatTensor of(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** Takes ownership of {@code data}: the caller must not touch the array afterwards. */
    public static FloatTensor wrap(float[] data, int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
        return new FloatTensor(shape.clone(), data);
    }

    public static FloatTensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        return new FloatTensor(shape.clone(), new float[(int) n]);
    }

    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    public int size() { return data.length; }

    /** A read-only view of the values. */
    public FloatBuffer buffer() { return FloatBuffer.wrap(data).asReadOnlyBuffer(); }

    /** A fresh copy of the values. */
    public float[] toArray() { return data.clone(); }

    /** Copies {@code length} values starting at {@code offset} into {@code dst}. */
    public void copyTo(int offset, float[] dst, int dstOffset, int length) {
        System.arraycopy(data, offset, dst, dstOffset, length);
    }

    public float get(int flatIndex) { return data[flatIndex]; }

    /** Same values, new shape (no copy: both are immutable). */
    public FloatTensor reshape(int... newShape) {
        return wrap(data, newShape);
    }

    @Override
    public long sizeBytes() { return 4L * data.length + 64; }

    @Override
    public String toString() { return "FloatTensor" + Arrays.toString(shape); }
}
