package org.easel.nodes.imaging;

import java.util.List;
import org.easel.nodes.types.FloatTensor;

/**
 * Resizing of IMAGE tensors [B,H,W,C] and planar tensors [B,C,H,W] with ComfyUI's
 * {@code comfy.utils.common_upscale} semantics.
 *
 * <ul>
 *   <li>{@code nearest-exact}, {@code bilinear}, {@code bicubic}, {@code area}: PyTorch
 *       {@code F.interpolate(size=(h,w), mode=...)} with align_corners=False and no antialiasing;
 *       index and weight arithmetic is done in float like PyTorch's CPU kernels.</li>
 *   <li>{@code lanczos}: ComfyUI goes through PIL ({@code Image.resize(LANCZOS)}) on uint8
 *       pixels, so this is a re-implementation of PIL's 8-bit two-pass resampler (support 3 scaled
 *       by the reduction factor, 22-bit fixed-point coefficients, uint8 intermediate, RGBA done
 *       premultiplied). Output values are therefore multiples of 1/255.</li>
 * </ul>
 * {@code crop=center} first narrows the source to the target aspect ratio exactly like ComfyUI
 * (offsets rounded half-to-even as Python's {@code round}).
 */
public final class ImageScaling {
    private ImageScaling() {}

    public enum Method {
        NEAREST_EXACT("nearest-exact"), BILINEAR("bilinear"), AREA("area"), BICUBIC("bicubic"), LANCZOS("lanczos");

        private final String comfyName;

        Method(String comfyName) { this.comfyName = comfyName; }

        public String comfyName() { return comfyName; }

        public static Method fromName(String name) {
            for (Method m : values()) if (m.comfyName.equals(name)) return m;
            throw new IllegalArgumentException("unknown upscale_method '" + name
                    + "' (expected nearest-exact, bilinear, area, bicubic or lanczos)");
        }
    }

    public enum Crop {
        DISABLED("disabled"), CENTER("center");

        private final String comfyName;

        Crop(String comfyName) { this.comfyName = comfyName; }

        public String comfyName() { return comfyName; }

        public static Crop fromName(String name) {
            for (Crop c : values()) if (c.comfyName.equals(name)) return c;
            throw new IllegalArgumentException("unknown crop '" + name + "' (expected disabled or center)");
        }
    }

    /** The names ComfyUI lists for ImageScale / ImageScaleBy / ImageScaleToTotalPixels. */
    public static final List<String> UPSCALE_METHODS =
            List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos");
    public static final List<String> CROP_METHODS = List.of("disabled", "center");

    // ------------------------------------------------------------------------------------------
    // Node-level helpers (ImageScale, ImageScaleBy, ImageScaleToTotalPixels)
    // ------------------------------------------------------------------------------------------

    /**
     * ImageScale's target size: both 0 = unchanged (returns null), one 0 = keep aspect ratio
     * ({@code max(1, round(...))}, Python rounding). Returns {width, height}.
     */
    public static int[] imageScaleSize(int srcWidth, int srcHeight, int width, int height) {
        if (width < 0 || height < 0) throw new IllegalArgumentException("width/height must be >= 0, got " + width + "x" + height);
        if (width == 0 && height == 0) return null;
        if (width == 0) width = (int) Math.max(1, Math.rint((double) srcWidth * height / srcHeight));
        else if (height == 0) height = (int) Math.max(1, Math.rint((double) srcHeight * width / srcWidth));
        return new int[] {width, height};
    }

    /** ComfyUI ImageScale: {@code image} is [B,H,W,C]; width/height 0 handled as in {@link #imageScaleSize}. */
    public static FloatTensor imageScale(FloatTensor image, String upscaleMethod, int width, int height, String crop) {
        requireImage(image);
        int[] size = imageScaleSize(image.dim(2), image.dim(1), width, height);
        if (size == null) return image;
        return scaleImage(image, size[0], size[1], Method.fromName(upscaleMethod), Crop.fromName(crop));
    }

    /** ImageScaleBy's size rule: {@code round(W*scale_by)}, {@code round(H*scale_by)} (Python rounding). Returns {w,h}. */
    public static int[] scaleBySize(int srcWidth, int srcHeight, double scaleBy) {
        if (!(scaleBy > 0) || Double.isInfinite(scaleBy)) throw new IllegalArgumentException("scale_by must be > 0, got " + scaleBy);
        int w = (int) Math.rint(srcWidth * scaleBy);
        int h = (int) Math.rint(srcHeight * scaleBy);
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("scale_by " + scaleBy + " turns " + srcWidth + "x" + srcHeight + " into an empty image " + w + "x" + h);
        }
        return new int[] {w, h};
    }

    /** ComfyUI ImageScaleBy (crop disabled). */
    public static FloatTensor imageScaleBy(FloatTensor image, String upscaleMethod, double scaleBy) {
        requireImage(image);
        int[] size = scaleBySize(image.dim(2), image.dim(1), scaleBy);
        return scaleImage(image, size[0], size[1], Method.fromName(upscaleMethod), Crop.DISABLED);
    }

    /**
     * ImageScaleToTotalPixels' size rule (current ComfyUI): {@code total = megapixels*1024*1024},
     * {@code s = sqrt(total/(W*H))}, {@code w = round(W*s/steps)*steps} (same for h).
     * {@code resolutionSteps = 1} is the classic node.
     */
    public static int[] totalPixelsSize(int srcWidth, int srcHeight, double megapixels, int resolutionSteps) {
        if (!(megapixels > 0)) throw new IllegalArgumentException("megapixels must be > 0, got " + megapixels);
        if (resolutionSteps < 1) throw new IllegalArgumentException("resolution_steps must be >= 1, got " + resolutionSteps);
        double total = megapixels * 1024 * 1024;
        double s = Math.sqrt(total / ((double) srcWidth * srcHeight));
        long w = (long) Math.rint(srcWidth * s / resolutionSteps) * resolutionSteps;
        long h = (long) Math.rint(srcHeight * s / resolutionSteps) * resolutionSteps;
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException(megapixels + " megapixels (steps " + resolutionSteps + ") gives an empty image " + w + "x" + h);
        }
        return new int[] {(int) w, (int) h};
    }

    /** ComfyUI ImageScaleToTotalPixels (crop disabled). */
    public static FloatTensor imageScaleToTotalPixels(FloatTensor image, String upscaleMethod, double megapixels, int resolutionSteps) {
        requireImage(image);
        int[] size = totalPixelsSize(image.dim(2), image.dim(1), megapixels, resolutionSteps);
        return scaleImage(image, size[0], size[1], Method.fromName(upscaleMethod), Crop.DISABLED);
    }

    // ------------------------------------------------------------------------------------------
    // Core resizing
    // ------------------------------------------------------------------------------------------

    /** Resizes an IMAGE [B,H,W,C] to width x height. */
    public static FloatTensor scaleImage(FloatTensor image, int width, int height, Method method, Crop crop) {
        requireImage(image);
        FloatTensor planar = toPlanar(image);
        FloatTensor out = scalePlanar(planar, width, height, method, crop);
        return toInterleaved(out);
    }

    /** Resizes a MASK [B,H,W] (or [H,W]) to width x height. */
    public static FloatTensor scaleMask(FloatTensor mask, int width, int height, Method method, Crop crop) {
        if (mask.rank() == 2) {
            FloatTensor r = scalePlanar(mask.reshape(1, 1, mask.dim(0), mask.dim(1)), width, height, method, crop);
            return r.reshape(height, width);
        }
        if (mask.rank() != 3) throw new IllegalArgumentException("MASK must be [B,H,W], got " + mask);
        FloatTensor r = scalePlanar(mask.reshape(mask.dim(0), 1, mask.dim(1), mask.dim(2)), width, height, method, crop);
        return r.reshape(mask.dim(0), height, width);
    }

    /**
     * {@code common_upscale} on a planar tensor [B,C,H,W] (latents, or images moved to NCHW).
     * Lanczos treats each [C,H,W] item as a PIL image (C = 4 is RGBA, premultiplied like PIL).
     */
    public static FloatTensor scalePlanar(FloatTensor t, int width, int height, Method method, Crop crop) {
        if (t.rank() != 4) throw new IllegalArgumentException("expected a [B,C,H,W] tensor, got " + t);
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        if (width > 16384 * 4 || height > 16384 * 4) throw new IllegalArgumentException("target size too large: " + width + "x" + height);
        int b = t.dim(0), c = t.dim(1), h = t.dim(2), w = t.dim(3);
        if (h == 0 || w == 0) throw new IllegalArgumentException("cannot resize an empty image " + t);
        float[] src = t.toArray();
        int x0 = 0, y0 = 0, cw = w, ch = h;
        if (crop == Crop.CENTER) {
            double oldAspect = (double) w / h;
            double newAspect = (double) width / height;
            int x = 0, y = 0;
            if (oldAspect > newAspect) x = (int) Math.rint((w - w * (newAspect / oldAspect)) / 2);
            else if (oldAspect < newAspect) y = (int) Math.rint((h - h * (oldAspect / newAspect)) / 2);
            x0 = x;
            y0 = y;
            cw = w - 2 * x;
            ch = h - 2 * y;
            if (cw <= 0 || ch <= 0) throw new IllegalArgumentException("center crop of " + w + "x" + h + " to aspect " + width + "x" + height + " is empty");
        }
        long outLen = (long) b * c * width * height;
        if (outLen > Integer.MAX_VALUE) throw new IllegalArgumentException("result too large: " + b + "x" + c + "x" + height + "x" + width);
        float[] out = new float[(int) outLen];
        int planes = b * c;
        float[] plane = new float[cw * ch];
        if (method == Method.LANCZOS) {
            lanczosPil(src, b, c, h, w, x0, y0, cw, ch, width, height, out);
            return FloatTensor.wrap(out, b, c, height, width);
        }
        Axis ax = null, ay = null;
        if (method == Method.BILINEAR) { ax = Axis.linear(cw, width); ay = Axis.linear(ch, height); }
        else if (method == Method.BICUBIC) { ax = Axis.cubic(cw, width); ay = Axis.cubic(ch, height); }
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int y = 0; y < ch; y++) System.arraycopy(src, base + (y + y0) * w + x0, plane, y * cw, cw);
            int ob = p * width * height;
            switch (method) {
                case NEAREST_EXACT -> nearestExact(plane, ch, cw, out, ob, height, width);
                case AREA -> adaptiveAvg(plane, ch, cw, out, ob, height, width);
                case BILINEAR, BICUBIC -> separable(plane, ch, cw, out, ob, height, width, ax, ay);
                default -> throw new AssertionError(method);
            }
        }
        return FloatTensor.wrap(out, b, c, height, width);
    }

    // ---- PyTorch modes ----------------------------------------------------------------------

    /** PyTorch nearest-exact source index: min(floor((i + 0.5) * (float) in/out), in-1). */
    static int nearestExactIndex(int outIndex, int inSize, int outSize) {
        float scale = (float) inSize / outSize;
        int src = (int) Math.floor((float) ((outIndex + 0.5) * scale));
        return Math.min(src, inSize - 1);
    }

    private static void nearestExact(float[] in, int ih, int iw, float[] out, int ob, int oh, int ow) {
        int[] xs = new int[ow];
        for (int x = 0; x < ow; x++) xs[x] = nearestExactIndex(x, iw, ow);
        for (int y = 0; y < oh; y++) {
            int row = nearestExactIndex(y, ih, oh) * iw;
            int o = ob + y * ow;
            for (int x = 0; x < ow; x++) out[o + x] = in[row + xs[x]];
        }
    }

    /** adaptive_avg_pool2d: window [floor(o*in/out), ceil((o+1)*in/out)). */
    private static void adaptiveAvg(float[] in, int ih, int iw, float[] out, int ob, int oh, int ow) {
        for (int oy = 0; oy < oh; oy++) {
            int y0 = startIndex(oy, oh, ih), y1 = endIndex(oy, oh, ih);
            int kh = y1 - y0;
            for (int ox = 0; ox < ow; ox++) {
                int x0 = startIndex(ox, ow, iw), x1 = endIndex(ox, ow, iw);
                int kw = x1 - x0;
                float sum = 0f;
                for (int y = y0; y < y1; y++) {
                    int r = y * iw;
                    for (int x = x0; x < x1; x++) sum += in[r + x];
                }
                out[ob + oy * ow + ox] = sum / kh / kw;
            }
        }
    }

    static int startIndex(int a, int b, int c) { return (int) (((long) a * c) / b); }

    static int endIndex(int a, int b, int c) { return (int) (1 + (((long) a + 1) * c - 1) / b); }

    /** Per-axis taps (indices already clamped) and float weights. */
    static final class Axis {
        final int taps;
        final int[] idx;
        final float[] wt;

        Axis(int taps, int n) {
            this.taps = taps;
            this.idx = new int[taps * n];
            this.wt = new float[taps * n];
        }

        /** PyTorch linear: src = max(0, scale*(i+0.5)-0.5), i0 = floor, i1 = i0 + (i0 < in-1). */
        static Axis linear(int in, int out) {
            Axis a = new Axis(2, out);
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                float real = scale * (i + 0.5f) - 0.5f;
                if (real < 0f) real = 0f;
                int i0 = Math.min((int) Math.floor(real), in - 1);
                float l1 = Math.min(Math.max(real - i0, 0f), 1f);
                int i1 = i0 + (i0 < in - 1 ? 1 : 0);
                a.idx[2 * i] = i0;
                a.idx[2 * i + 1] = i1;
                a.wt[2 * i] = 1f - l1;
                a.wt[2 * i + 1] = l1;
            }
            return a;
        }

        /** PyTorch bicubic (A = -0.75), src = scale*(i+0.5)-0.5 unclamped, taps clamped to the border. */
        static Axis cubic(int in, int out) {
            Axis a = new Axis(4, out);
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                float real = scale * (i + 0.5f) - 0.5f;
                int i0 = Math.min((int) Math.floor(real), in - 1);
                float t = Math.min(Math.max(real - i0, 0f), 1f);
                float[] cf = cubicCoefficients(t);
                for (int j = 0; j < 4; j++) {
                    a.idx[4 * i + j] = Math.max(Math.min(i0 - 1 + j, in - 1), 0);
                    a.wt[4 * i + j] = cf[j];
                }
            }
            return a;
        }
    }

    static final float CUBIC_A = -0.75f;

    static float cubicConv1(float x, float a) { return ((a + 2) * x - (a + 3)) * x * x + 1; }

    static float cubicConv2(float x, float a) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; }

    /** PyTorch get_cubic_upsample_coefficients for fractional offset t. */
    static float[] cubicCoefficients(float t) {
        float x2 = 1f - t;
        return new float[] {cubicConv2(t + 1f, CUBIC_A), cubicConv1(t, CUBIC_A), cubicConv1(x2, CUBIC_A), cubicConv2(x2 + 1f, CUBIC_A)};
    }

    /** Horizontal pass (float) then vertical pass, which is PyTorch's evaluation order. */
    private static void separable(float[] in, int ih, int iw, float[] out, int ob, int oh, int ow, Axis ax, Axis ay) {
        float[] tmp = new float[ih * ow];
        int tx = ax.taps;
        for (int y = 0; y < ih; y++) {
            int r = y * iw;
            for (int x = 0; x < ow; x++) {
                int k = x * tx;
                float acc = in[r + ax.idx[k]] * ax.wt[k];
                for (int j = 1; j < tx; j++) acc += in[r + ax.idx[k + j]] * ax.wt[k + j];
                tmp[y * ow + x] = acc;
            }
        }
        int ty = ay.taps;
        for (int y = 0; y < oh; y++) {
            int k = y * ty;
            int o = ob + y * ow;
            int r0 = ay.idx[k] * ow;
            float w0 = ay.wt[k];
            for (int x = 0; x < ow; x++) out[o + x] = tmp[r0 + x] * w0;
            for (int j = 1; j < ty; j++) {
                int rj = ay.idx[k + j] * ow;
                float wj = ay.wt[k + j];
                for (int x = 0; x < ow; x++) out[o + x] += tmp[rj + x] * wj;
            }
        }
    }

    // ---- PIL LANCZOS (8 bit) ----------------------------------------------------------------

    static final int PRECISION_BITS = 32 - 8 - 2;

    static double sinc(double x) {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.sin(x) / x;
    }

    /** PIL's lanczos_filter: sinc(x)*sinc(x/3) on [-3, 3). */
    static double lanczos3(double x) {
        if (-3.0 <= x && x < 3.0) return sinc(x) * sinc(x / 3.0);
        return 0.0;
    }

    /** PIL precompute_coeffs for the lanczos filter; returns bounds {xmin,count} per output and double weights. */
    static final class PilCoeffs {
        final int ksize;
        final int[] bounds;
        final double[] weights;
        final int[] fixed;

        PilCoeffs(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = 3.0 * filterscale;
            ksize = (int) Math.ceil(support) * 2 + 1;
            bounds = new int[outSize * 2];
            weights = new double[outSize * ksize];
            fixed = new int[outSize * ksize];
            double ss = 1.0 / filterscale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) xmin = 0;
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) xmax = inSize;
                xmax -= xmin;
                double ww = 0.0;
                int k = xx * ksize;
                for (int x = 0; x < xmax; x++) {
                    double wv = lanczos3((x + xmin - center + 0.5) * ss);
                    weights[k + x] = wv;
                    ww += wv;
                }
                for (int x = 0; x < xmax; x++) if (ww != 0.0) weights[k + x] /= ww;
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            for (int i = 0; i < weights.length; i++) {
                double v = weights[i] * (1 << PRECISION_BITS);
                fixed[i] = v < 0 ? (int) (-0.5 + v) : (int) (0.5 + v);
            }
        }
    }

    static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) return 255;
        if (v <= 0) return 0;
        return v >> PRECISION_BITS;
    }

    /** numpy {@code np.clip(255. * x, 0, 255).astype(np.uint8)} on float32 input. */
    public static int toUint8(float x) {
        float v = 255f * x;
        if (Float.isNaN(v)) return 0;
        if (v <= 0f) return 0;
        if (v >= 255f) return 255;
        return (int) v;
    }

    private static void lanczosPil(float[] src, int b, int c, int h, int w, int x0, int y0, int cw, int ch,
                                   int ow, int oh, float[] out) {
        boolean needH = ow != cw, needV = oh != ch;
        PilCoeffs kx = needH ? new PilCoeffs(cw, ow) : null;
        PilCoeffs ky = needV ? new PilCoeffs(ch, oh) : null;
        boolean premul = c == 4 || c == 2; // PIL resizes RGBA/LA as RGBa/La
        int alphaC = c - 1;
        int[][] planes = new int[c][cw * ch];
        for (int bi = 0; bi < b; bi++) {
            for (int ci = 0; ci < c; ci++) {
                int base = (bi * c + ci) * h * w;
                int[] pl = planes[ci];
                for (int y = 0; y < ch; y++) {
                    int r = base + (y + y0) * w + x0;
                    for (int x = 0; x < cw; x++) pl[y * cw + x] = toUint8(src[r + x]);
                }
            }
            if (premul) {
                int[] a = planes[alphaC];
                for (int ci = 0; ci < alphaC; ci++) {
                    int[] pl = planes[ci];
                    for (int i = 0; i < pl.length; i++) {
                        int tmp = pl[i] * a[i] + 128;
                        pl[i] = ((tmp >> 8) + tmp) >> 8;
                    }
                }
            }
            int[][] res = new int[c][];
            for (int ci = 0; ci < c; ci++) {
                int[] cur = planes[ci];
                int curW = cw;
                if (needH) {
                    int[] t = new int[ch * ow];
                    for (int y = 0; y < ch; y++) {
                        int r = y * curW;
                        for (int xx = 0; xx < ow; xx++) {
                            int xmin = kx.bounds[2 * xx], n = kx.bounds[2 * xx + 1], k = xx * kx.ksize;
                            int ss = 1 << (PRECISION_BITS - 1);
                            for (int x = 0; x < n; x++) ss += cur[r + xmin + x] * kx.fixed[k + x];
                            t[y * ow + xx] = clip8(ss);
                        }
                    }
                    cur = t;
                    curW = ow;
                }
                if (needV) {
                    int[] t = new int[oh * curW];
                    for (int yy = 0; yy < oh; yy++) {
                        int ymin = ky.bounds[2 * yy], n = ky.bounds[2 * yy + 1], k = yy * ky.ksize;
                        for (int x = 0; x < curW; x++) {
                            int ss = 1 << (PRECISION_BITS - 1);
                            for (int y = 0; y < n; y++) ss += cur[(ymin + y) * curW + x] * ky.fixed[k + y];
                            t[yy * curW + x] = clip8(ss);
                        }
                    }
                    cur = t;
                }
                res[ci] = cur;
            }
            if (premul) {
                int[] a = res[alphaC];
                for (int ci = 0; ci < alphaC; ci++) {
                    int[] pl = res[ci];
                    for (int i = 0; i < pl.length; i++) {
                        int al = a[i];
                        if (al != 255 && al != 0) pl[i] = Math.min(255, (255 * pl[i]) / al);
                    }
                }
            }
            for (int ci = 0; ci < c; ci++) {
                int ob = (bi * c + ci) * oh * ow;
                int[] pl = res[ci];
                for (int i = 0; i < pl.length; i++) out[ob + i] = pl[i] / 255.0f;
            }
        }
    }

    // ---- layout helpers --------------------------------------------------------------------

    public static void requireImage(FloatTensor image) {
        if (image.rank() != 4) throw new IllegalArgumentException("IMAGE must be [B,H,W,C], got " + image);
    }

    /** [B,H,W,C] -> [B,C,H,W]. */
    public static FloatTensor toPlanar(FloatTensor image) {
        requireImage(image);
        int b = image.dim(0), h = image.dim(1), w = image.dim(2), c = image.dim(3);
        float[] s = image.toArray();
        float[] d = new float[s.length];
        int hw = h * w;
        for (int bi = 0; bi < b; bi++) {
            int sb = bi * hw * c;
            for (int p = 0; p < hw; p++) {
                int si = sb + p * c;
                for (int ci = 0; ci < c; ci++) d[sb + ci * hw + p] = s[si + ci];
            }
        }
        return FloatTensor.wrap(d, b, c, h, w);
    }

    /** [B,C,H,W] -> [B,H,W,C]. */
    public static FloatTensor toInterleaved(FloatTensor planar) {
        if (planar.rank() != 4) throw new IllegalArgumentException("expected [B,C,H,W], got " + planar);
        int b = planar.dim(0), c = planar.dim(1), h = planar.dim(2), w = planar.dim(3);
        float[] s = planar.toArray();
        float[] d = new float[s.length];
        int hw = h * w;
        for (int bi = 0; bi < b; bi++) {
            int sb = bi * hw * c;
            for (int ci = 0; ci < c; ci++) {
                int so = sb + ci * hw;
                for (int p = 0; p < hw; p++) d[sb + p * c + ci] = s[so + p];
            }
        }
        return FloatTensor.wrap(d, b, h, w, c);
    }
}
