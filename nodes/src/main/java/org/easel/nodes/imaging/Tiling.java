package org.easel.nodes.imaging;

import java.util.ArrayList;
import java.util.List;
import org.easel.nodes.types.FloatTensor;

/**
 * Runs a model over overlapping tiles of a planar tensor [B,C,H,W] and blends the results, so memory is
 * bounded by the tile size. The model maps a tile of h×w to one of h·num/den × w·num/den with any number
 * of channels (VAE decode: 8/1, VAE encode: 1/8, a ×2 upscaler: 2/1). Tile positions are multiples of
 * {@code den}; inside the overlaps the tiles fade linearly into each other.
 */
public final class Tiling {
    /** Processes one tile [B,C,h,w] → [B,C',h·num/den,w·num/den]. */
    @FunctionalInterface
    public interface TileFunction {
        FloatTensor apply(FloatTensor tile) throws Exception;
    }

    /** Told after each tile: (tiles done, tiles total). */
    @FunctionalInterface
    public interface Progress {
        void tile(int done, int total);
    }

    private Tiling() {}

    /** Start positions covering {@code size} with tiles of {@code tile} overlapping by {@code overlap}. */
    static List<Integer> starts(int size, int tile, int overlap, int align) {
        List<Integer> s = new ArrayList<>();
        if (tile >= size) {
            s.add(0);
            return s;
        }
        int step = Math.max(align, (tile - overlap) / align * align);
        for (int p = 0; ; p += step) {
            int start = Math.min(p, (size - tile) / align * align);
            if (s.isEmpty() || s.get(s.size() - 1) != start) s.add(start);
            if (start + tile >= size) break;
        }
        return s;
    }

    public static FloatTensor run(FloatTensor in, int tileH, int tileW, int overlap, int num, int den,
                                  TileFunction fn, Progress progress) throws Exception {
        int b = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3);
        int th = Math.min(tileH, h) / den * den;
        int tw = Math.min(tileW, w) / den * den;
        if (th <= 0 || tw <= 0) throw new IllegalArgumentException("tile smaller than " + den + " pixels");
        List<Integer> ys = starts(h, th, overlap, den);
        List<Integer> xs = starts(w, tw, overlap, den);
        int oh = h * num / den, ow = w * num / den;
        float[] out = null;
        float[] weight = new float[oh * ow];
        int oc = 0;
        int total = ys.size() * xs.size();
        int done = 0;
        int ov = Math.max(1, overlap * num / den);
        for (int y0 : ys) {
            for (int x0 : xs) {
                int hh = Math.min(th, h - y0), ww = Math.min(tw, w - x0);
                float[] tile = new float[b * c * hh * ww];
                for (int n = 0; n < b * c; n++) {
                    for (int y = 0; y < hh; y++) in.copyTo((n * h + y0 + y) * w + x0, tile, (n * hh + y) * ww, ww);
                }
                FloatTensor r = fn.apply(FloatTensor.wrap(tile, b, c, hh, ww));
                int rh = r.dim(2), rw = r.dim(3);
                if (out == null) {
                    oc = r.dim(1);
                    out = new float[b * oc * oh * ow];
                }
                int oy0 = y0 * num / den, ox0 = x0 * num / den;
                float[] rv = r.toArray();
                for (int y = 0; y < rh && oy0 + y < oh; y++) {
                    float wy = fade(y, rh, ov, y0 > 0, y0 + hh < h);
                    for (int x = 0; x < rw && ox0 + x < ow; x++) {
                        float wt = wy * fade(x, rw, ov, x0 > 0, x0 + ww < w);
                        int o = (oy0 + y) * ow + ox0 + x;
                        weight[o] += wt;
                        for (int n = 0; n < b * oc; n++) out[n * oh * ow + o] += wt * rv[(n * rh + y) * rw + x];
                    }
                }
                done++;
                if (progress != null) progress.tile(done, total);
            }
        }
        for (int n = 0; n < b * oc; n++) {
            for (int i = 0; i < oh * ow; i++) out[n * oh * ow + i] /= Math.max(weight[i], 1e-8f);
        }
        return FloatTensor.wrap(out, b, oc, oh, ow);
    }

    /** Linear ramp over {@code ov} pixels at edges that meet another tile; 1 elsewhere. */
    private static float fade(int i, int size, int ov, boolean before, boolean after) {
        float f = 1f;
        if (before) f = Math.min(f, (i + 0.5f) / ov);
        if (after) f = Math.min(f, (size - i - 0.5f) / ov);
        return Math.max(f, 1e-4f);
    }
}
